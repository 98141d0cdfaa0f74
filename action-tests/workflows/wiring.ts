// The wiring check of the workflows: what actionlint and GitHub's parser cannot know because it
// lives in other files. Every `with:` key of one of our actions is an input of its action.yml (or of
// the contract while the action.yml does not exist yet) and every required input is given; every
// `steps.<id>.outputs.<x>` names a step that ran before and an output it declares; every
// `needs.<job>.outputs.<x>` and `jobs.<job>.outputs.<x>` names a job output; a call of a reusable
// workflow passes only inputs and secrets it declares, all the required ones, values of the declared
// type, and grants at least the permissions its jobs ask for. Findings are data; the caller decides.

/** One thing that is wrong, at a path such as `jobs.build.steps[3].with.url`. */
export interface Finding {
  at: string;
  message: string;
}

export interface InputSpec {
  required: boolean;
}

/** The interface of one of our actions, from its action.yml or from the contract. */
export interface ActionSpec {
  /** Where the names come from, for messages: "action.yml" or "the contract". */
  source: string;
  inputs: Map<string, InputSpec>;
  outputs: Set<string>;
}

/** Looks up our actions and reusable workflows; undefined when there is no such thing. */
export interface WiringContext {
  /** An action of this repository by name (`health-gate`). */
  action(name: string): ActionSpec | undefined;
  /** A workflow of this repository by file name (`pipeline.yml`), parsed. */
  workflow(file: string): unknown;
}

/** The repository the workflows reference our actions and workflows by (a placeholder). */
export const OUR_REPOSITORY = 'octo-org/deploy-actions';

export type UsesKind =
  | { kind: 'our-action'; name: string; ref: string | undefined }
  | { kind: 'our-workflow'; file: string; ref: string | undefined }
  | { kind: 'third-party'; repository: string; ref: string }
  | { kind: 'other'; value: string };

/** Classifies a `uses:` value. `./actions/x` and `./.github/workflows/x.yml` count as ours. */
export function classifyUses(uses: string): UsesKind {
  const escaped = OUR_REPOSITORY.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const ourAction = new RegExp(`^(?:${escaped}/actions/([a-z0-9-]+)@(.+)|\\./actions/([a-z0-9-]+)/?)$`).exec(
    uses
  );
  if (ourAction)
    return { kind: 'our-action', name: (ourAction[1] ?? ourAction[3]) as string, ref: ourAction[2] };
  const ourWorkflow = new RegExp(
    `^(?:${escaped}/\\.github/workflows/([\\w.-]+\\.ya?ml)@(.+)|\\./\\.github/workflows/([\\w.-]+\\.ya?ml))$`
  ).exec(uses);
  if (ourWorkflow)
    return { kind: 'our-workflow', file: (ourWorkflow[1] ?? ourWorkflow[3]) as string, ref: ourWorkflow[2] };
  const thirdParty = /^([\w.-]+\/[\w.-]+(?:\/[\w./-]+)?)@([^@\s]+)$/.exec(uses);
  if (thirdParty && !uses.startsWith('./') && !uses.startsWith('docker://')) {
    return { kind: 'third-party', repository: thirdParty[1] as string, ref: thirdParty[2] as string };
  }
  return { kind: 'other', value: uses };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: unknown): Json {
  return isObject(value) ? value : {};
}

function asSteps(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(asObject) : [];
}

function needsOf(job: Json): string[] {
  const needs = job.needs;
  if (typeof needs === 'string') return [needs];
  return Array.isArray(needs) ? needs.filter((x): x is string => typeof x === 'string') : [];
}

/** Every string under a value, with its path. */
function strings(value: unknown, at: string, out: Array<{ at: string; text: string }> = []) {
  if (typeof value === 'string') out.push({ at, text: value });
  else if (Array.isArray(value)) value.forEach((item, i) => strings(item, `${at}[${i}]`, out));
  else if (isObject(value))
    for (const [key, item] of Object.entries(value)) strings(item, `${at}.${key}`, out);
  return out;
}

/**
 * The expressions in a string: the insides of `${{ }}`, or the whole string for an `if:`, which
 * GitHub evaluates as an expression without the braces.
 */
function expressions(text: string, isCondition: boolean): string[] {
  const found = [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((match) => match[1] as string);
  return found.length === 0 && isCondition ? [text] : found;
}

const ID = '[A-Za-z_][\\w-]*';
const STEP_REF = new RegExp(
  `(?<![\\w.-])steps\\.(${ID})(?:\\.(outputs)\\.(${ID})|\\.(outcome|conclusion))?`,
  'g'
);
const NEEDS_REF = new RegExp(`(?<![\\w.-])needs\\.(${ID})(?:\\.outputs\\.(${ID})|\\.(result))?`, 'g');
const JOBS_REF = new RegExp(`(?<![\\w.-])jobs\\.(${ID})\\.outputs\\.(${ID})`, 'g');
const INPUTS_REF = new RegExp(`(?<![\\w.-])inputs\\.(${ID})`, 'g');

interface Reference {
  at: string;
  expression: string;
}

function references(value: unknown, at: string): Reference[] {
  return strings(value, at).flatMap(({ at: path, text }) =>
    expressions(text, /\.if$/.test(path)).map((expression) => ({ at: path, expression }))
  );
}

/** Names a `run:` script writes to $GITHUB_OUTPUT: `name=value` or `name<<DELIMITER`. */
function writesOutput(script: string, name: string): boolean {
  if (!script.includes('GITHUB_OUTPUT')) return false;
  const escaped = name.replace(/[-]/g, '\\-');
  return new RegExp(`(?:^|[\\s"'{(])${escaped}(?:=|<<)`, 'm').test(script);
}

/** The `on:` section of a parsed workflow as an object (`on: push` and lists become keys). */
function triggers(doc: Json): Json {
  const on = doc.on ?? doc.true; // YAML 1.1 readers turn the key `on` into true
  if (typeof on === 'string') return { [on]: {} };
  if (Array.isArray(on)) return Object.fromEntries(on.map((name) => [String(name), {}]));
  return asObject(on);
}

/** What a reusable workflow declares under `on.workflow_call`. */
export interface CalledWorkflow {
  inputs: Map<string, { required: boolean; type: string; hasDefault: boolean }>;
  secrets: Map<string, { required: boolean }>;
  outputs: Set<string>;
  /** The highest access each scope is asked for by any of its jobs. */
  permissions: Map<string, Level>;
}

type Level = 0 | 1 | 2; // none, read, write
const LEVELS: Record<string, Level> = { none: 0, read: 1, write: 2 };
const SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses'
];

/** Access per scope of a `permissions:` value; undefined when it is not set. */
function permissionLevels(value: unknown): Map<string, Level> | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'read-all' || value === 'write-all') {
    const level = value === 'read-all' ? 1 : 2;
    return new Map(SCOPES.map((scope) => [scope, level as Level]));
  }
  const levels = new Map<string, Level>();
  for (const [scope, access] of Object.entries(asObject(value))) {
    levels.set(scope, LEVELS[String(access)] ?? 0);
  }
  return levels;
}

/** Reads the `workflow_call` interface of a parsed workflow; undefined when it has none. */
export function calledWorkflow(doc: unknown): CalledWorkflow | undefined {
  const root = asObject(doc);
  const call = triggers(root).workflow_call;
  if (call === undefined) return undefined;
  const spec = asObject(call);
  const inputs = new Map(
    Object.entries(asObject(spec.inputs)).map(([name, raw]) => {
      const input = asObject(raw);
      return [
        name,
        {
          required: input.required === true,
          type: String(input.type ?? 'string'),
          hasDefault: 'default' in input
        }
      ] as const;
    })
  );
  const secrets = new Map(
    Object.entries(asObject(spec.secrets)).map(
      ([name, raw]) => [name, { required: asObject(raw).required === true }] as const
    )
  );
  const permissions = new Map<string, Level>();
  const top = permissionLevels(root.permissions);
  for (const job of Object.values(asObject(root.jobs)).map(asObject)) {
    for (const [scope, level] of permissionLevels(job.permissions) ?? top ?? new Map<string, Level>()) {
      permissions.set(scope, Math.max(permissions.get(scope) ?? 0, level) as Level);
    }
  }
  return { inputs, secrets, outputs: new Set(Object.keys(asObject(spec.outputs))), permissions };
}

/** The inputs a workflow declares for any trigger (workflow_call and workflow_dispatch). */
function declaredInputs(doc: Json): Set<string> {
  const on = triggers(doc);
  return new Set([
    ...Object.keys(asObject(asObject(on.workflow_call).inputs)),
    ...Object.keys(asObject(asObject(on.workflow_dispatch).inputs))
  ]);
}

function isExpression(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${{');
}

/** One use of our actions: where, which, and with what. */
export interface OurActionUse {
  at: string;
  job: string;
  name: string;
  ref: string | undefined;
}

/** Every step of a workflow that uses one of our actions. */
export function ourActionUses(doc: unknown): OurActionUse[] {
  const uses: OurActionUse[] = [];
  for (const [jobId, raw] of Object.entries(asObject(asObject(doc).jobs))) {
    asSteps(asObject(raw).steps).forEach((step, index) => {
      if (typeof step.uses !== 'string') return;
      const kind = classifyUses(step.uses);
      if (kind.kind === 'our-action') {
        uses.push({ at: `jobs.${jobId}.steps[${index}]`, job: jobId, name: kind.name, ref: kind.ref });
      }
    });
  }
  return uses;
}

/**
 * Checks the `with:` of the steps that use one action (all of them when `only` is not given)
 * against its spec: known keys, required inputs present and not empty.
 */
export function checkActionInputs(doc: unknown, context: WiringContext, only?: string): Finding[] {
  const findings: Finding[] = [];
  const jobs = asObject(asObject(doc).jobs);
  for (const use of ourActionUses(doc)) {
    if (only !== undefined && use.name !== only) continue;
    const spec = context.action(use.name);
    if (!spec) {
      findings.push({ at: `${use.at}.uses`, message: `there is no action "${use.name}" in this repository` });
      continue;
    }
    const index = Number(/\[(\d+)\]$/.exec(use.at)?.[1]);
    const step = asSteps(asObject(jobs[use.job]).steps)[index] ?? {};
    const given = asObject(step.with);
    for (const key of Object.keys(given)) {
      if (!spec.inputs.has(key)) {
        findings.push({
          at: `${use.at}.with.${key}`,
          message: `"${key}" is not an input of ${use.name} (${spec.source}); its inputs are ${[...spec.inputs.keys()].join(', ')}`
        });
      }
    }
    for (const [name, input] of spec.inputs) {
      if (!input.required) continue;
      const value = given[name];
      if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
        findings.push({
          at: `${use.at}.with`,
          message: `${use.name} requires the input "${name}" (${spec.source})`
        });
      }
    }
  }
  return findings;
}

/** All the refs of our actions in one workflow must be one tag, the tag of the workflow itself. */
export function checkOurRefs(doc: unknown): Finding[] {
  const remote = ourActionUses(doc).filter((use) => use.ref !== undefined);
  const refs = new Set(remote.map((use) => use.ref));
  if (refs.size <= 1) return [];
  return [
    { at: 'jobs', message: `our actions are used at several refs (${[...refs].join(', ')}); use one tag` }
  ];
}

/**
 * Third-party actions are pinned by a full commit SHA with a version comment on the same line
 * (`uses: owner/repo@<40 hex> # v1.2.3`), so a moved tag cannot change what runs.
 */
export function checkPinning(doc: unknown, text: string): Finding[] {
  const findings: Finding[] = [];
  const lines = text.split(/\r?\n/);
  for (const [jobId, raw] of Object.entries(asObject(asObject(doc).jobs))) {
    const job = asObject(raw);
    const places: Array<{ at: string; uses: unknown }> = [{ at: `jobs.${jobId}.uses`, uses: job.uses }];
    asSteps(job.steps).forEach((step, i) =>
      places.push({ at: `jobs.${jobId}.steps[${i}].uses`, uses: step.uses })
    );
    for (const { at, uses } of places) {
      if (typeof uses !== 'string') continue;
      const kind = classifyUses(uses);
      if (kind.kind !== 'third-party') continue;
      if (!/^[0-9a-f]{40}$/.test(kind.ref)) {
        findings.push({ at, message: `${uses} is not pinned to a full commit SHA` });
        continue;
      }
      const line = lines.find((candidate) => candidate.includes(uses));
      if (!line || !/#\s*v?\d+(\.\d+)*\s*$/.test(line)) {
        findings.push({ at, message: `${uses} has no version comment (# vX.Y.Z) on its line` });
      }
    }
  }
  return findings;
}

/** The outputs a job offers to `needs`: its `outputs:` keys, or the called workflow's outputs. */
function jobOutputs(job: Json, context: WiringContext): Set<string> | undefined {
  if (typeof job.uses === 'string') {
    const kind = classifyUses(job.uses);
    if (kind.kind !== 'our-workflow') return undefined; // another repository's workflow: unknown
    const called = calledWorkflow(context.workflow(kind.file));
    return called?.outputs ?? new Set();
  }
  return new Set(Object.keys(asObject(job.outputs)));
}

/** What `steps.<id>.outputs.<name>` may name for one step, or undefined when it cannot be known. */
function stepOutputs(step: Json, context: WiringContext): ((name: string) => boolean) | undefined {
  if (typeof step.run === 'string') {
    const script = step.run;
    return (name) => writesOutput(script, name);
  }
  if (typeof step.uses === 'string') {
    const kind = classifyUses(step.uses);
    if (kind.kind === 'our-action') {
      const spec = context.action(kind.name);
      return spec ? (name) => spec.outputs.has(name) : undefined;
    }
  }
  return undefined; // third-party actions: actionlint knows the popular ones
}

/**
 * The references between steps, jobs and workflows, and the calls of reusable workflows.
 * (`with:` of our actions is checked by checkActionInputs.)
 */
export function checkReferences(doc: unknown, context: WiringContext): Finding[] {
  const root = asObject(doc);
  const findings: Finding[] = [];
  const jobs = asObject(root.jobs);
  const inputs = declaredInputs(root);
  const hasInputs = Object.keys(triggers(root)).some(
    (name) => name === 'workflow_call' || name === 'workflow_dispatch'
  );

  const checkInputs = (refs: Reference[]) => {
    for (const { at, expression } of refs) {
      for (const match of expression.matchAll(INPUTS_REF)) {
        const name = match[1] as string;
        if (!hasInputs || !inputs.has(name)) {
          findings.push({ at, message: `inputs.${name} is not an input of this workflow` });
        }
      }
    }
  };

  const checkNeeds = (refs: Reference[], jobId: string, job: Json) => {
    const needs = needsOf(job);
    for (const { at, expression } of refs) {
      for (const match of expression.matchAll(NEEDS_REF)) {
        const [, target, output] = match as unknown as [string, string, string | undefined];
        if (!needs.includes(target)) {
          findings.push({
            at,
            message: `needs.${target} is used but job "${jobId}" does not need "${target}"`
          });
          continue;
        }
        if (output === undefined) continue;
        const offered = jobOutputs(asObject(jobs[target]), context);
        if (offered && !offered.has(output)) {
          findings.push({
            at,
            message: `needs.${target}.outputs.${output}: job "${target}" has no output "${output}" (it has ${[...offered].join(', ') || 'none'})`
          });
        }
      }
    }
  };

  for (const [jobId, raw] of Object.entries(jobs)) {
    const job = asObject(raw);
    for (const need of needsOf(job)) {
      if (!(need in jobs))
        findings.push({ at: `jobs.${jobId}.needs`, message: `job "${need}" does not exist` });
    }
    const steps = asSteps(job.steps);
    const ids = steps.map((step) => (typeof step.id === 'string' ? step.id : undefined));

    // Step references: inside a step only to steps before it; in the job's outputs to any step;
    // anywhere else in the job (env, if, services...) to none.
    const checkSteps = (refs: Reference[], visible: number) => {
      for (const { at, expression } of refs) {
        for (const match of expression.matchAll(STEP_REF)) {
          const [, id, , output] = match as unknown as [
            string,
            string,
            string | undefined,
            string | undefined
          ];
          const index = ids.indexOf(id);
          if (index < 0) {
            findings.push({ at, message: `steps.${id}: job "${jobId}" has no step with id "${id}"` });
            continue;
          }
          if (index >= visible) {
            findings.push({ at, message: `steps.${id} is used before (or by) the step "${id}" runs` });
            continue;
          }
          if (output === undefined) continue;
          const declares = stepOutputs(steps[index] ?? {}, context);
          if (declares && !declares(output)) {
            findings.push({
              at,
              message: `steps.${id}.outputs.${output}: step "${id}" does not set the output "${output}"`
            });
          }
        }
      }
    };

    for (const [key, value] of Object.entries(job)) {
      const at = `jobs.${jobId}.${key}`;
      const refs = references(value, at);
      checkInputs(refs);
      checkNeeds(refs, jobId, job);
      if (key === 'steps') continue;
      checkSteps(refs, key === 'outputs' ? steps.length : 0);
    }
    steps.forEach((step, index) => checkSteps(references(step, `jobs.${jobId}.steps[${index}]`), index));

    if (typeof job.uses === 'string') findings.push(...checkCall(jobId, job, root, context));
  }

  // Outputs of a reusable workflow point at job outputs.
  const call = asObject(triggers(root).workflow_call);
  for (const [name, raw] of Object.entries(asObject(call.outputs))) {
    const at = `on.workflow_call.outputs.${name}.value`;
    for (const expression of expressions(String(asObject(raw).value ?? ''), false)) {
      for (const match of expression.matchAll(JOBS_REF)) {
        const [, target, output] = match as unknown as [string, string, string];
        if (!(target in jobs)) {
          findings.push({ at, message: `jobs.${target} does not exist` });
          continue;
        }
        const offered = jobOutputs(asObject(jobs[target]), context);
        if (offered && !offered.has(output)) {
          findings.push({
            at,
            message: `jobs.${target}.outputs.${output}: job "${target}" has no output "${output}"`
          });
        }
      }
    }
  }
  return findings;
}

/** A job that calls one of our reusable workflows passes what it declares, as it declares it. */
function checkCall(jobId: string, job: Json, root: Json, context: WiringContext): Finding[] {
  const kind = classifyUses(job.uses as string);
  if (kind.kind !== 'our-workflow') return [];
  const at = `jobs.${jobId}`;
  const called = calledWorkflow(context.workflow(kind.file));
  if (!called)
    return [{ at: `${at}.uses`, message: `${kind.file} is not a reusable workflow (no on.workflow_call)` }];
  const findings: Finding[] = [];
  const given = asObject(job.with);
  for (const [name, value] of Object.entries(given)) {
    const input = called.inputs.get(name);
    if (!input) {
      findings.push({ at: `${at}.with.${name}`, message: `"${name}" is not an input of ${kind.file}` });
      continue;
    }
    if (isExpression(value)) continue;
    if (input.type === 'boolean' && typeof value !== 'boolean') {
      findings.push({
        at: `${at}.with.${name}`,
        message: `${kind.file} expects a boolean for "${name}", got ${JSON.stringify(value)}`
      });
    }
    if (input.type === 'number' && (typeof value !== 'number' || Number.isNaN(value))) {
      findings.push({
        at: `${at}.with.${name}`,
        message: `${kind.file} expects a number for "${name}", got ${JSON.stringify(value)}`
      });
    }
  }
  for (const [name, input] of called.inputs) {
    if (input.required && !(name in given)) {
      findings.push({ at: `${at}.with`, message: `${kind.file} requires the input "${name}"` });
    }
  }
  if (job.secrets !== 'inherit') {
    const secrets = asObject(job.secrets);
    for (const name of Object.keys(secrets)) {
      if (!called.secrets.has(name)) {
        findings.push({ at: `${at}.secrets.${name}`, message: `"${name}" is not a secret of ${kind.file}` });
      }
    }
    for (const [name, secret] of called.secrets) {
      if (secret.required && !(name in secrets)) {
        findings.push({ at: `${at}.secrets`, message: `${kind.file} requires the secret "${name}"` });
      }
    }
  }
  // GitHub refuses to start a called job that asks for more than the calling job grants.
  const granted = permissionLevels(job.permissions) ?? permissionLevels(root.permissions);
  if (granted) {
    for (const [scope, level] of called.permissions) {
      if ((granted.get(scope) ?? 0) < level) {
        const name = ['none', 'read', 'write'][level];
        findings.push({
          at: `${at}.permissions`,
          message: `${kind.file} asks for ${scope}: ${name}, which job "${jobId}" does not grant`
        });
      }
    }
  }
  return findings;
}

/** Every wiring finding of one workflow. */
export function checkWiring(doc: unknown, context: WiringContext): Finding[] {
  return [...checkActionInputs(doc, context), ...checkOurRefs(doc), ...checkReferences(doc, context)];
}
