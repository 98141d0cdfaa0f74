/**
 * preflight-validate as users run it: the dist bundle under Node 24, against the GitHub fake (a
 * loopback server that keeps state and checks every request and response against GitHub's
 * OpenAPI description) and real scanner reports from the corpus.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { githubTime, startGitHubFake, type GitHubFake } from './fakes/github/index.ts';
import { readActionYml, repoRoot, runAction, type ActionRun } from './run-action.ts';

const SHA = 'ffac537e6cbbf934b08745a378932722df287a53'; // run-action.ts's GITHUB_SHA
const MAIN = '1111111111111111111111111111111111111111';
const RUN_ID = 9876543210; // run-action.ts's GITHUB_RUN_ID: this workflow run
const CI_RUN = 1234567890; // the CI workflow run of the same commit
const TUESDAY = '2026-03-03T10:00'; // in America/New_York: outside the default freeze windows

const reports = path.join(repoRoot, 'packages', 'core', '__tests__', 'preflight', 'fixtures');
const fixtures = path.join(repoRoot, 'action-tests', 'fixtures', 'preflight');

let fake: GitHubFake | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A repository where a production deploy of SHA may go: green CI, up to date, staged, protected. */
async function healthyRepository(): Promise<GitHubFake> {
  fake = await startGitHubFake();
  const s = fake.state;
  s.setBranch('main', MAIN);
  s.setComparison('main', SHA, { aheadBy: 1, behindBy: 0 });
  s.addCheckRun({ sha: SHA, name: 'test', workflowRunId: CI_RUN });
  s.addCheckRun({ sha: SHA, name: 'lint', workflowRunId: CI_RUN });
  s.addStatus({
    sha: SHA,
    context: 'ci/jenkins',
    state: 'success',
    targetUrl: 'https://ci.example.com/job/7'
  });
  // This workflow run's own job: in progress while the step runs, and it must not be waited for.
  s.addCheckRun({ sha: SHA, name: 'production', workflowRunId: RUN_ID, status: 'in_progress' });
  s.addEnvironment({ name: 'staging' });
  s.addEnvironment({
    name: 'production',
    reviewers: [{ type: 'Team', name: 'SRE' }],
    preventSelfReview: true
  });
  s.addDeployment({ sha: SHA, environment: 'staging', statuses: ['in_progress', 'success'] });
  return fake;
}

function inputsFor(repository: GitHubFake, given: Record<string, string> = {}): Record<string, string> {
  return {
    'github-token': repository.token,
    environment: 'production',
    sha: SHA,
    timezone: 'America/New_York',
    'window-at': TUESDAY,
    'ci-wait': '0',
    'trivy-reports': path.join(reports, 'trivy', 'cargo.lock.json'),
    ...given
  };
}

async function preflight(
  repository: GitHubFake,
  given: Record<string, string> = {},
  timeoutMs = 60_000
): Promise<ActionRun> {
  return runAction('preflight-validate', {
    inputs: inputsFor(repository, given),
    // The reports and ignore files live in this repository, as they would in the workspace.
    env: { GITHUB_API_URL: repository.url, GITHUB_WORKSPACE: repoRoot },
    timeoutMs
  });
}

interface Check {
  id: string;
  status: string;
  reason: string;
  details: Record<string, unknown>;
}
const report = (run: ActionRun) =>
  JSON.parse(run.outputs.report ?? '{}') as { checks: Check[]; [key: string]: unknown };
const check = (run: ActionRun, id: string) => report(run).checks.find((c) => c.id === id)!;

describe('preflight-validate: a deploy that may go', () => {
  it('passes every check for production, ignoring the run’s own job', async () => {
    const repository = await healthyRepository();
    const run = await preflight(repository);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(run.outputs['failed-checks']).toBe('');
    expect(report(run).checks.map((c) => `${c.id}:${c.status}`)).toEqual([
      'ci:pass',
      'up-to-date:pass',
      'security:pass',
      'incidents:pass',
      'window:pass',
      'reviewers:pass',
      'staging-verified:pass',
      'secrets:skip'
    ]);
    expect(check(run, 'ci').reason).toBe('All 3 checks on ffac537 passed (1 ignored).');
    const entries = check(run, 'ci').details.entries as {
      name: string;
      state: string;
      ignoredBecause?: string;
    }[];
    expect(entries.find((e) => e.name === 'production')).toMatchObject({
      state: 'ignored',
      ignoredBecause: 'this workflow run (its check suite)'
    });
    expect(check(run, 'reviewers').reason).toBe(
      'Environment `production` requires approval by team sre (self-review prevented).'
    );
    expect(run.summary).toContain('## ✅ preflight-validate: `ffac537` → production may deploy');
    expect(run.summary).toContain('| ✅ | **staging-verified** |');
    expect(run.annotations.filter((a) => a.level !== 'notice')).toEqual([]);
    expect(repository.callsTo('actions/get-workflow-run')).toHaveLength(1);
    expect(repository.violations).toEqual([]);
  });

  it('masks the token: it reaches GitHub and nothing else', async () => {
    const repository = await healthyRepository();
    const run = await preflight(repository);
    expect(run.log).toContain(`::add-mask::${repository.token}`);
    const written = [
      run.log.replace(`::add-mask::${repository.token}`, ''),
      run.summary,
      ...Object.values(run.outputs)
    ].join('\n');
    expect(written).not.toContain(repository.token);
    expect(repository.calls.length).toBeGreaterThan(5);
    expect(repository.violations).toEqual([]); // every call carried the right token
  });
});

describe('preflight-validate: CI', () => {
  it('waits for pending checks that finish while waiting', async () => {
    const repository = await healthyRepository();
    const e2e = repository.state.addCheckRun({
      sha: SHA,
      name: 'e2e',
      workflowRunId: CI_RUN,
      status: 'in_progress'
    });
    repository.onCall((call) => {
      if (
        call.operationId === 'checks/list-for-ref' &&
        repository.callsTo('checks/list-for-ref').length === 1
      )
        repository.state.updateCheckRun(e2e.id, { status: 'completed', conclusion: 'success' });
    });
    const run = await preflight(repository, { 'ci-wait': '30s' });
    expect(run.exitCode).toBe(0);
    expect(check(run, 'ci')).toMatchObject({ status: 'pass', details: { polls: 2 } });
    expect(run.log).toMatch(/ci: waiting \d+(\.\d+)?s for e2e \(in_progress\)/);
    expect(repository.violations).toEqual([]);
  });

  it('fails at ci-wait for a check that never finishes', async () => {
    const repository = await healthyRepository();
    repository.state.addCheckRun({ sha: SHA, name: 'e2e', workflowRunId: CI_RUN, status: 'queued' });
    const run = await preflight(repository, { 'ci-wait': '3s', checks: 'ci' });
    expect(run.exitCode).toBe(1);
    expect(check(run, 'ci').reason).toBe('1 check still pending after 3s: e2e (queued) (1 ignored).');
    expect(run.durationMs).toBeGreaterThan(3000);
    expect(repository.callsTo('checks/list-for-ref').length).toBeGreaterThanOrEqual(2);
  });

  it('reads more than 100 check runs across pages', async () => {
    const repository = await healthyRepository();
    for (let i = 0; i < 140; i++)
      repository.state.addCheckRun({ sha: SHA, name: `test (shard ${i})`, workflowRunId: CI_RUN });
    repository.state.addCheckRun({
      sha: SHA,
      name: 'test (shard 139 retry)',
      workflowRunId: CI_RUN,
      conclusion: 'failure'
    });
    const run = await preflight(repository, { checks: 'ci' });
    expect(check(run, 'ci').reason).toBe(
      '1 of 144 checks on ffac537 failed: test (shard 139 retry) (failure) (1 ignored).'
    );
    expect(repository.callsTo('checks/list-for-ref').map((c) => c.query.page ?? '1')).toEqual(['1', '2']);
    expect(repository.violations).toEqual([]);
  });

  it('recognises the run’s own job by its URL when the workflow run cannot be read', async () => {
    const repository = await healthyRepository();
    repository.denyPermission('actions');
    const run = await preflight(repository, { checks: 'ci' });
    expect(run.exitCode).toBe(0);
    expect(check(run, 'ci').details.ownRun).toMatchObject({ identifiedBy: 'check run URLs' });
  });

  it('fails when the commit has no checks at all', async () => {
    fake = await startGitHubFake();
    const run = await preflight(fake, { checks: 'ci', environment: 'staging' });
    expect(run.exitCode).toBe(1);
    expect(check(run, 'ci').reason).toBe(
      'No check runs or commit statuses on ffac537: nothing shows this commit was tested.'
    );
  });
});

describe('preflight-validate: GitHub failing and rate-limiting', () => {
  it('waits out a rate limit in the middle of the checks and passes', async () => {
    const repository = await healthyRepository();
    repository.rateLimitNext({
      kind: 'primary',
      resetAfterSeconds: 1,
      operationId: 'repos/compare-commits-with-basehead'
    });
    const run = await preflight(repository);
    expect(run.exitCode).toBe(0);
    expect(repository.callsTo('repos/compare-commits-with-basehead').map((c) => c.status)).toEqual([
      403, 200
    ]);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(
          /^GitHub primary rate limit on GET .*compare.*: waiting \ds as GitHub asks/
        )
      })
    );
    expect(repository.violations).toEqual([]);
  });

  it('retries a 502 and passes', async () => {
    const repository = await healthyRepository();
    repository.failNext({ status: 502, operationId: 'repos/get-environment' });
    const run = await preflight(repository, { checks: 'reviewers' });
    expect(run.exitCode).toBe(0);
    expect(repository.callsTo('repos/get-environment').map((c) => c.status)).toEqual([502, 200]);
  });

  it('fails the check, never passes it, when GitHub keeps failing', async () => {
    const repository = await healthyRepository();
    repository.failNext({ times: 10, status: 503, operationId: 'issues/list-for-repo' });
    const run = await preflight(repository, { checks: 'incidents' });
    expect(run.exitCode).toBe(1);
    expect(check(run, 'incidents').reason).toBe(
      'Could not check: GitHub API GET /repos/{owner}/{repo}/issues failed with HTTP 503: Server Error'
    );
    expect(repository.callsTo('issues/list-for-repo')).toHaveLength(4);
  });
});

describe('preflight-validate: every check failing', () => {
  it('blocks the deploy with a reason per check, annotations and links', async () => {
    fake = await startGitHubFake();
    const s = fake.state;
    s.setBranch('main', MAIN);
    s.setComparison('main', SHA, { aheadBy: 2, behindBy: 3 });
    s.addCheckRun({ sha: SHA, name: 'test', workflowRunId: CI_RUN, conclusion: 'failure' });
    s.addIssue({ title: 'Checkout returns 500', labels: ['incident', 'P1'] });
    s.addEnvironment({ name: 'staging' });
    s.addDeployment({ sha: SHA, environment: 'staging', statuses: ['in_progress', 'failure'] });
    const run = await preflight(fake, {
      'trivy-reports': path.join(reports, 'trivy', 'alpine-39.json'),
      'npm-audit-reports': 'missing/npm-audit.json',
      'window-at': '2026-03-06T16:00'
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.passed).toBe('false');
    expect(run.outputs['failed-checks']).toBe(
      'ci,up-to-date,security,incidents,window,reviewers,staging-verified'
    );
    expect(Object.fromEntries(report(run).checks.map((c) => [c.id, c.reason]))).toEqual({
      secrets: 'Not selected in `checks`.',
      ci: '1 of 1 check on ffac537 failed: test (failure).',
      'up-to-date':
        'ffac537 is 3 commits behind main: deploying it would roll back what main has and it lacks.',
      security: expect.stringMatching(
        /^`npm-audit-reports` pattern `missing\/npm-audit.json` matched no file \(a missing scan is not a clean scan\); 2 findings at or above high: 2 critical\. \(1 report read\.\)$/
      ),
      incidents: '1 open incident with P1/P2: #1 Checkout returns 500 (P1).',
      window:
        'Fri 2026-03-06 16:00 EST (window-at) is inside freeze window `Fri 16:00-24:00`; deploys reopen Mon 2026-03-09 00:00 EDT (in 2d 7h).',
      reviewers:
        'Environment `production` does not exist: a job naming it would make GitHub create it with no protection rules.',
      'staging-verified':
        'No successful deployment of ffac537 to `staging` (1 deployment, the latest failure).'
    });
    const errors = run.annotations.filter((a) => a.level === 'error');
    expect(errors.map((a) => a.properties.title)).toEqual([
      'preflight-validate: ci',
      'preflight-validate: up-to-date',
      'preflight-validate: security',
      'preflight-validate: incidents',
      'preflight-validate: window',
      'preflight-validate: reviewers',
      'preflight-validate: staging-verified',
      'preflight-validate'
    ]);
    expect(run.summary).toContain('[#1 Checkout returns 500](https://github.com/octo-org/shop/issues/1)');
    expect(run.summary).toContain('### What to do next');
    expect(fake.violations).toEqual([]);
  });

  it('fails reviewers for a production environment without required reviewers', async () => {
    const repository = await healthyRepository();
    repository.state.environments.splice(1, 1);
    repository.state.addEnvironment({ name: 'production', waitTimer: 10 });
    const run = await preflight(repository, { checks: 'reviewers' });
    expect(check(run, 'reviewers')).toMatchObject({
      status: 'fail',
      reason:
        'Environment `production` has no required reviewers: a deploy to it would start without approval.'
    });
  });
});

describe('preflight-validate: security reports', () => {
  it('ignores reviewed findings, counts the rest, and fails on an expired exception', async () => {
    const repository = await healthyRepository();
    const trivy = path.join(reports, 'trivy', 'alpine-39.json');
    const ignored = await preflight(repository, {
      environment: 'staging',
      checks: 'security',
      'trivy-reports': trivy,
      'vuln-ignore-file': path.join(fixtures, 'vuln-ignore.yml')
    });
    expect(ignored.exitCode).toBe(0);
    expect(check(ignored, 'security')).toMatchObject({
      status: 'warn',
      reason: '1 report read: 2 findings below high (2 medium); 4 ignored; nothing at or above high.'
    });
    const expired = await preflight(repository, {
      environment: 'staging',
      checks: 'security',
      'trivy-reports': trivy,
      'vuln-ignore-file': path.join(fixtures, 'vuln-ignore-expired.yml')
    });
    expect(expired.exitCode).toBe(1);
    expect(check(expired, 'security').reason).toBe(
      '2 findings at or above high: 2 critical; ignore entry expired: CVE-2019-14697 (expired 2026-01-31). (1 report read.)'
    );
    expect(expired.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        properties: expect.objectContaining({ title: 'preflight-validate: expired ignore entry', line: '2' })
      })
    );
    expect(repository.calls).toEqual([]);
  });

  it('reads pip-audit (both formats) and npm audit reports, pip-audit findings failing at critical', async () => {
    const repository = await healthyRepository();
    const run = await preflight(repository, {
      checks: 'security',
      'fail-on-severity': 'critical',
      'trivy-reports': '',
      'pip-audit-reports': `${path.join(reports, 'pip-audit', 'defectdojo__many_vulns.json')}\n${path.join(reports, 'pip-audit', 'upstream-test__skipped-dep.json')}`,
      'npm-audit-reports': path.join(reports, 'npm-audit', 'npm-cli__json-audit.json')
    });
    expect(run.exitCode).toBe(1);
    expect(check(run, 'security').reason).toBe(
      '8 findings at or above critical or of unknown severity: 8 unknown. (3 reports read.)'
    );
    expect(check(run, 'security').details.counts).toEqual({
      critical: 0,
      high: 1,
      medium: 0,
      low: 0,
      info: 0,
      unknown: 8
    });
    expect(run.summary).toContain('### Security');
  });
});

describe('preflight-validate: files outside the workspace', () => {
  it.each([
    ['trivy-reports', '/etc/passwd'],
    ['pip-audit-reports', '../../../../../../etc/*'],
    ['npm-audit-reports', 'reports/**/../../../../../../../etc/passwd'],
    ['vuln-ignore-file', '/etc/passwd']
  ])('%s: %s is refused, naming the input, before anything is read', async (input, value) => {
    const repository = await healthyRepository();
    const run = await preflight(repository, { checks: 'security', [input]: value });
    expect(run.exitCode).toBe(1);
    const errors = run.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.properties.title).toBe(`preflight-validate: invalid input \`${input}\``);
    expect(errors[0]!.message).toMatch(new RegExp(`^Input \`${input}\`: got .+; expected .*inside `));
    expect(run.log + run.summary).not.toContain('root:x');
    expect(repository.calls).toEqual([]);
  });

  it('a report that links outside the workspace is not read, and fails the check', async () => {
    const repository = await healthyRepository();
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'preflight-workspace-'));
    try {
      mkdirSync(path.join(workspace, 'reports'));
      symlinkSync('/etc/passwd', path.join(workspace, 'reports', 'trivy.json'));
      const run = await runAction('preflight-validate', {
        inputs: inputsFor(repository, {
          checks: 'security',
          'trivy-reports': path.join(workspace, 'reports', '*.json')
        }),
        env: { GITHUB_API_URL: repository.url, GITHUB_WORKSPACE: workspace, RUNNER_TEMP: workspace }
      });
      expect(run.exitCode).toBe(1);
      expect(check(run, 'security').reason).toMatch(
        /reports\/trivy\.json could not be read .*is outside .*; it was not read/
      );
      expect(run.log + run.summary + JSON.stringify(run.outputs)).not.toContain('root:x');
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});

describe('preflight-validate: the deploy window', () => {
  it.each([
    ['America/New_York', '2026-03-06T15:59', 'pass'],
    ['America/New_York', '2026-03-06T16:00', 'fail'],
    ['Europe/Berlin', '2026-03-27T15:59', 'pass'],
    ['Europe/Berlin', '2026-03-27T16:00', 'fail']
  ])('%s at %s (window-at, local time): %s', async (timezone, at, status) => {
    fake = await startGitHubFake();
    const run = await preflight(fake, {
      checks: 'window',
      environment: 'staging',
      timezone,
      'window-at': at
    });
    expect(check(run, 'window').status).toBe(status);
    expect(run.exitCode).toBe(status === 'pass' ? 0 : 1);
    expect(fake.calls).toEqual([]); // the window needs no GitHub call
  });

  it('says when deploys reopen after a weekend with a daylight saving change (Berlin, CET → CEST)', async () => {
    fake = await startGitHubFake();
    const run = await preflight(fake, {
      checks: 'window',
      environment: 'staging',
      timezone: 'Europe/Berlin',
      'window-at': '2026-03-27T16:00'
    });
    expect(check(run, 'window').details).toMatchObject({
      reopensAt: '2026-03-29T22:00:00.000Z',
      reopensLocal: 'Mon 2026-03-30 00:00 GMT+2'
    });
    expect(run.summary).toContain('### Deploy window (Europe/Berlin)');
  });

  it('blocks a public holiday of the calendar and an explicit holiday', async () => {
    fake = await startGitHubFake();
    const thanksgiving = await preflight(fake, {
      checks: 'window',
      environment: 'staging',
      'holiday-calendar': 'US',
      'window-at': '2026-11-26T10:00'
    });
    expect(check(thanksgiving, 'window').reason).toMatch(
      /^Thu 2026-11-26 10:00 EST \(window-at\) is inside public holiday Thanksgiving Day \(US\)/
    );
    const explicit = await preflight(fake, {
      checks: 'window',
      environment: 'staging',
      holidays: '2026-03-03',
      'window-at': TUESDAY
    });
    expect(check(explicit, 'window').reason).toMatch(
      /is inside holiday 2026-03-03; deploys reopen Wed 2026-03-04 00:00 EST/
    );
  });

  it('lets an override bypass the window and incidents only, and records it', async () => {
    const repository = await healthyRepository();
    repository.state.addIssue({ title: 'Checkout returns 500', labels: ['incident', 'P1'] });
    const run = await preflight(repository, {
      'window-at': '2026-03-07T11:00',
      'override-reason': 'hotfix for the checkout outage #1'
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(report(run).override).toEqual({
      reason: 'hotfix for the checkout outage #1',
      by: 'octocat',
      appliesTo: ['window', 'incidents'],
      bypassed: ['incidents', 'window']
    });
    expect(check(run, 'window').status).toBe('warn');
    expect(check(run, 'incidents').status).toBe('warn');
    expect(run.summary).toContain('> ⚠️ **Override** by octocat: hotfix for the checkout outage #1');
    expect(run.annotations.filter((a) => a.level === 'warning').map((a) => a.properties.title)).toEqual([
      'preflight-validate: incidents',
      'preflight-validate: window'
    ]);
  });
});

describe('preflight-validate: secrets hygiene', () => {
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  const ago = (ms: number) => githubTime(Date.now() - ms);

  /** The healthy repository with settled secrets, and a token that may read their metadata. */
  async function withSecrets(): Promise<{ repository: GitHubFake; reader: string }> {
    const repository = await healthyRepository();
    repository.state.addSecret({ name: 'DATABASE_URL', updatedAt: ago(30 * DAY) });
    repository.state.addSecret({ name: 'SENTRY_DSN', updatedAt: ago(80 * DAY) });
    repository.state.addSecret({
      name: 'PAYMENT_API_KEY',
      environment: 'production',
      updatedAt: ago(3 * DAY)
    });
    return { repository, reader: repository.addToken(['secrets', 'environments']) };
  }

  it('passes settled secrets rotated in time, naming the repository-wide ones', async () => {
    const { repository, reader } = await withSecrets();
    const run = await preflight(repository, { checks: 'secrets', 'secrets-token': reader });
    expect(run.exitCode).toBe(0);
    expect(check(run, 'secrets')).toMatchObject({
      status: 'pass',
      reason:
        '3 secrets settled and rotated in time (oldest SENTRY_DSN, 80d of 90d). 2 repository secrets shared by every environment: DATABASE_URL, SENTRY_DSN.',
      details: {
        environment: 'production',
        environmentExists: true,
        token: 'secrets-token',
        shared: ['DATABASE_URL', 'SENTRY_DSN']
      }
    });
    expect(run.summary).toContain('| PAYMENT_API_KEY | environment production |');
    expect(run.summary).toContain('| SENTRY_DSN | repository (every environment) |');
    expect(repository.callsTo('actions/list-repo-secrets')).toHaveLength(1);
    expect(repository.callsTo('actions/list-environment-secrets')).toEqual([
      expect.objectContaining({ path: '/repos/octo-org/shop/environments/production/secrets', status: 200 })
    ]);
    expect(repository.violations).toEqual([]);
  });

  it('blocks a deploy right after a rotation and when a rotation is overdue, and masks the token', async () => {
    const { repository, reader } = await withSecrets();
    repository.state.addSecret({
      name: 'PAYMENT_API_KEY',
      environment: 'production',
      updatedAt: ago(20 * 60_000)
    });
    const run = await preflight(repository, {
      checks: 'secrets',
      'secrets-token': reader,
      'secrets-max-age': '60d'
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['failed-checks']).toBe('secrets');
    expect(check(run, 'secrets').reason).toBe(
      '1 secret updated less than 1h ago: PAYMENT_API_KEY (environment, 20m ago); 1 secret not rotated for more than 60d: SENTRY_DSN (repository, 80d ago). 2 repository secrets shared by every environment: DATABASE_URL, SENTRY_DSN.'
    );
    expect(run.summary).toContain('| PAYMENT_API_KEY | environment production |');
    expect(run.summary).toContain('| 20m | ❌ updated too recently |');
    expect(run.summary).toContain('| 80d | ❌ rotation overdue |');
    expect(run.annotations.find((a) => a.level === 'error')?.properties.title).toBe(
      'preflight-validate: secrets'
    );
    expect(run.log).toContain(`::add-mask::${reader}`);
    const written = [
      run.log.replace(`::add-mask::${reader}`, ''),
      run.summary,
      ...Object.values(run.outputs)
    ].join('\n');
    expect(written).not.toContain(reader);
    expect(repository.violations).toEqual([]);
  });

  it('says GITHUB_TOKEN cannot read secret metadata when secrets-token is not given', async () => {
    const { repository } = await withSecrets();
    const run = await preflight(repository, { checks: 'secrets' });
    expect(run.exitCode).toBe(1);
    expect(check(run, 'secrets')).toMatchObject({
      status: 'fail',
      reason:
        'GitHub refused to list the repository\'s secrets (HTTP 403): the token lacks the "Secrets" repository permission (read), or the `repo` scope for a classic token; GitHub accepts secrets=read. `secrets-token` is not set, so the check used `github-token`: GitHub’s GITHUB_TOKEN can never read secret metadata.'
    });
    expect(report(run).nextSteps).toContain(
      'secrets: Set `secrets-token` to a token that may read secret metadata: a fine-grained personal access token or GitHub App with the "Secrets" and "Environments" repository permissions (read), or a classic token with the `repo` scope.'
    );
    expect(repository.violations).toEqual([]);
  });

  it('names the Environments permission when only the environment secrets are refused', async () => {
    const { repository } = await withSecrets();
    const run = await preflight(repository, {
      checks: 'secrets',
      'secrets-token': repository.addToken(['secrets'])
    });
    expect(check(run, 'secrets').reason).toBe(
      'GitHub refused to list the `production` environment\'s secrets (HTTP 403): the token lacks the "Environments" repository permission (read), or the `repo` scope for a classic token; GitHub accepts environments=read.'
    );
    expect(repository.violations).toEqual([]);
  });

  it('never lets a secret name from the API issue a workflow command', async () => {
    const { repository, reader } = await withSecrets();
    repository.state.addSecret({ name: 'EVIL\n::error::INJECTED', updatedAt: ago(10 * 60_000) });
    const run = await preflight(repository, { checks: 'secrets', 'secrets-token': reader });
    expect(check(run, 'secrets').status).toBe('fail');
    expect(check(run, 'secrets').reason).toContain('EVIL');
    expect(run.log).toContain('EVIL');
    expect(run.log).not.toMatch(/^::error::INJECTED/im);
    expect(run.annotations.map((a) => a.message)).not.toContain('INJECTED');
    expect(run.summary).not.toMatch(/^::error::/im);
    expect(repository.violations).toEqual([]);
  });

  it('warns that a missing environment has no secrets of its own', async () => {
    const { repository, reader } = await withSecrets();
    const run = await preflight(repository, {
      environment: 'qa',
      checks: 'secrets',
      'secrets-token': reader
    });
    expect(run.exitCode).toBe(0);
    expect(check(run, 'secrets')).toMatchObject({
      status: 'warn',
      reason: expect.stringMatching(/Environment `qa` does not exist, so it has no secrets of its own\.$/)
    });
    expect(repository.violations).toEqual([]);
  });
});

describe('preflight-validate bad input', () => {
  /** At least one invalid value for every input; the step must fail before any GitHub call. */
  const invalid: Record<string, string> = {
    'github-token': 'two words',
    environment: '${{ inputs.environment }}',
    sha: 'abc1234',
    'base-branch': 'feature..x',
    checks: 'ci,deploy',
    'ci-wait': 'forever',
    'ci-ignore': '*',
    'trivy-reports': '!reports/*.json',
    'pip-audit-reports': 'pip-audit-{a.json',
    'npm-audit-reports': 'npm/]x.json',
    'fail-on-severity': 'severe',
    'vuln-ignore-file': path.join(fixtures, 'vuln-ignore-no-expiry.yml'),
    'incident-labels': ',',
    'incident-severity-labels': ' , ',
    timezone: 'Mars/Olympus',
    'freeze-windows': 'Fri 16:00',
    holidays: '2026-02-30',
    'holiday-calendar': 'XX',
    'window-at': 'next friday',
    'override-reason': 'urgent',
    'require-reviewers': 'yes',
    'staging-environment': 'a\nb',
    'secrets-token': 'two words',
    'secrets-settle': 'soon',
    'secrets-max-age': '90days'
  };

  it('covers every input declared in action.yml', () => {
    expect(Object.keys(invalid).sort()).toEqual(
      Object.keys(readActionYml('preflight-validate').inputs ?? {}).sort()
    );
  });

  it.each(Object.entries(invalid))(
    'rejects %s = %p before any request, naming the input',
    async (name, value) => {
      const repository = await healthyRepository();
      const run = await preflight(repository, { [name]: value });
      expect(run.exitCode).toBe(1);
      const errors = run.annotations.filter((a) => a.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]?.properties.title).toBe(`preflight-validate: invalid input \`${name}\``);
      expect(errors[0]?.message).toMatch(new RegExp(`^Input \`${name}\`: got .+; expected .+`));
      expect(repository.calls).toEqual([]);
      expect(run.outputs).toEqual({});
      if (name.endsWith('-token')) expect(run.log.replace(/^::add-mask::.*$/gm, '')).not.toContain(value);
    }
  );

  it('says what an ignore entry without expiry lacks', async () => {
    const repository = await healthyRepository();
    const run = await preflight(repository, {
      'vuln-ignore-file': path.join(fixtures, 'vuln-ignore-no-expiry.yml')
    });
    expect(run.annotations[0]?.message).toMatch(
      /entry 1 \(line 1\) \(CVE-2019-14697\) has no expires date \(YYYY-MM-DD\)\)$/
    );
  });

  it('reports a missing environment as required', async () => {
    const repository = await healthyRepository();
    const run = await preflight(repository, { environment: '' });
    expect(run.annotations[0]?.message).toBe(
      'Input `environment`: got nothing; expected a value (this input is required)'
    );
  });
});
