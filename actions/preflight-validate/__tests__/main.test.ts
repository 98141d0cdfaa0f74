import { describe, expect, it } from '@jest/globals';
import { runAction } from '@deploy-actions/core/action';
import { ManualClock } from '@deploy-actions/core/clock';
import { VerdictFailure } from '@deploy-actions/core/errors';
import { type PreflightReport, type ReportFileAccess } from '@deploy-actions/core/preflight';
import { fakeContext } from '../../../packages/core/__tests__/fakes/fake-context.ts';
import {
  MemoryGitHub,
  checkRun,
  deployment,
  deploymentStatus
} from '../../../packages/core/__tests__/preflight/memory-github.ts';
import { runWith } from '../src/main.ts';
import { actionYml } from './action-yml.ts';

const SHA = 'ffac537e6cbbf934b08745a378932722df287a53';
const TOKEN = 'ghs_mainTestToken0123456789';
const ENV = {
  GITHUB_REPOSITORY: 'octo-org/shop',
  GITHUB_SHA: SHA,
  GITHUB_RUN_ID: '9876543210',
  GITHUB_ACTOR: 'octocat'
};
const TUESDAY = Date.parse('2026-03-03T15:00:00Z');

function files(contents: Record<string, string>): ReportFileAccess {
  return {
    glob: async (pattern) => Object.keys(contents).filter((f) => f === pattern),
    readFile: async (file) => {
      if (!(file in contents)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return contents[file]!;
    }
  };
}

function healthy(): MemoryGitHub {
  const github = new MemoryGitHub();
  github.checkRuns = [checkRun('test')];
  github.comparisons.set(`main...${SHA}`, {
    status: 'identical',
    aheadBy: 0,
    behindBy: 0,
    htmlUrl: 'https://github.com/c',
    mergeBaseSha: null
  });
  github.environments = [
    {
      name: 'production',
      htmlUrl: 'https://github.com/e',
      protectionRules: [{ type: 'required_reviewers', reviewers: [{ type: 'User', name: 'alice' }] }],
      branchPolicy: null
    }
  ];
  github.deployments = [deployment(1, SHA, 'staging')];
  github.deploymentStatuses.set(1, [deploymentStatus('success')]);
  return github;
}

const TRIVY_CLEAN = JSON.stringify({ SchemaVersion: 2, ArtifactName: 'shop:1.4.0', Results: [] });
const inputs = {
  'github-token': TOKEN,
  environment: 'production',
  'trivy-reports': 'trivy.json',
  'ci-wait': '0'
};

function deps(github: MemoryGitHub, contents: Record<string, string> = { 'trivy.json': TRIVY_CLEAN }) {
  return { github, clock: new ManualClock(0, TUESDAY), files: files(contents), env: ENV };
}

describe('run', () => {
  it('sets every output of the contract when the deploy may go', async () => {
    const fake = fakeContext(inputs);
    await runWith(fake.context, deps(healthy()));
    expect(Object.keys(fake.outputs).sort()).toEqual(Object.keys(actionYml.outputs).sort());
    expect(fake.outputs.passed).toBe('true');
    expect(fake.outputs['failed-checks']).toBe('');
    const report = JSON.parse(fake.outputs.report!) as PreflightReport;
    expect(report).toMatchObject({
      schema: 'preflight-validate/v1',
      passed: true,
      sha: SHA,
      repository: 'octo-org/shop'
    });
    expect(report.checks.map((c) => c.status)).toEqual([
      'pass',
      'pass',
      'pass',
      'pass',
      'pass',
      'pass',
      'pass',
      'skip'
    ]);
    expect(fake.summaries).toHaveLength(1);
    expect(fake.annotations).toEqual([]);
    expect(fake.failures).toEqual([]);
  });

  it('masks the token and never writes it out', async () => {
    const fake = fakeContext(inputs);
    await runWith(fake.context, deps(healthy()));
    expect(fake.secrets).toEqual([TOKEN]);
    const written = [
      ...Object.values(fake.outputs),
      ...fake.summaries,
      ...fake.logger.lines,
      ...fake.annotations.map((a) => a.message)
    ].join('\n');
    expect(written).not.toContain(TOKEN);
  });

  it('annotates each failed check, writes everything, then throws the verdict', async () => {
    const github = healthy();
    github.checkRuns.push(checkRun('e2e', { conclusion: 'failure' }));
    github.comparisons.set(`main...${SHA}`, {
      status: 'behind',
      aheadBy: 0,
      behindBy: 2,
      htmlUrl: 'https://github.com/c',
      mergeBaseSha: null
    });
    const fake = fakeContext(inputs);
    const error = await runWith(fake.context, deps(github)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerdictFailure);
    expect(fake.outputs).toMatchObject({ passed: 'false', 'failed-checks': 'ci,up-to-date' });
    expect((error as Error).message).toBe(
      'ffac537 must not be deployed to production now: ci, up-to-date failed.'
    );
    expect(fake.annotations.map((a) => [a.level, a.properties?.title])).toEqual([
      ['error', 'preflight-validate: ci'],
      ['error', 'preflight-validate: up-to-date']
    ]);
    expect(fake.summaries[0]).toContain('❌ preflight-validate');
  });

  it('annotates an expired ignore entry at its line in the ignore file', async () => {
    const trivy = JSON.stringify({
      SchemaVersion: 2,
      Results: [
        {
          Target: 'alpine',
          Vulnerabilities: [{ VulnerabilityID: 'CVE-2019-14697', PkgName: 'musl', Severity: 'CRITICAL' }]
        }
      ]
    });
    const ignore =
      '# reviewed\n- id: CVE-2019-14697\n  reason: musl is not reachable\n  expires: 2026-01-31\n';
    const fake = fakeContext({ ...inputs, 'vuln-ignore-file': '.github/vuln-ignore.yml' });
    await runWith(
      fake.context,
      deps(healthy(), { 'trivy.json': trivy, '.github/vuln-ignore.yml': ignore })
    ).catch(() => undefined);
    expect(fake.outputs['failed-checks']).toBe('security');
    expect(fake.annotations).toContainEqual({
      level: 'error',
      message:
        'Ignore entry CVE-2019-14697 expired on 2026-01-31: its finding counts again (musl is not reachable)',
      properties: {
        title: 'preflight-validate: expired ignore entry',
        file: '.github/vuln-ignore.yml',
        line: 2
      }
    });
  });
});

describe("runAction('preflight-validate', run)", () => {
  it('reports each invalid input once, before any request', async () => {
    const github = healthy();
    const fake = fakeContext({
      'github-token': TOKEN,
      environment: '',
      timezone: 'Mars/Olympus',
      checks: 'ci,deploy'
    });
    await runAction('preflight-validate', (context) => runWith(context, deps(github)), fake.context);
    expect(fake.failures.map((f) => f.properties?.title)).toEqual([
      'preflight-validate: invalid input `environment`',
      'preflight-validate: invalid input `checks`',
      'preflight-validate: invalid input `timezone`'
    ]);
    expect(github.calls).toEqual([]);
    expect(fake.outputs).toEqual({});
    expect(fake.secrets).toEqual([TOKEN]);
  });

  it('rejects a bad ignore file before any request', async () => {
    const github = healthy();
    const fake = fakeContext({ ...inputs, 'vuln-ignore-file': 'ignore.yml' });
    await runAction(
      'preflight-validate',
      (context) =>
        runWith(
          context,
          deps(github, { 'trivy.json': TRIVY_CLEAN, 'ignore.yml': '- id: CVE-1\n  reason: r\n' })
        ),
      fake.context
    );
    expect(fake.failures).toHaveLength(1);
    expect(fake.failures[0]!.message).toMatch(
      /^Input `vuln-ignore-file`: got "ignore.yml"; expected .*has no expires date/
    );
    expect(github.calls).toEqual([]);
  });

  it('fails the step once with the verdict when a check fails', async () => {
    const github = healthy();
    github.environments = [];
    const fake = fakeContext(inputs);
    await runAction('preflight-validate', (context) => runWith(context, deps(github)), fake.context);
    expect(fake.failures).toEqual([
      {
        message: 'ffac537 must not be deployed to production now: reviewers failed.',
        properties: { title: 'preflight-validate' }
      }
    ]);
  });
});
