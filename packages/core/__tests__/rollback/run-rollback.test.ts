import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/clock.ts';
import type { Exec, ExecOptions, ExecResult } from '../../src/exec/exec.ts';
import type {
  CreateGitHubDeploymentInput,
  CreateGitHubDeploymentStatusInput,
  CreateGitHubIssueInput,
  GitHubClient,
  GitHubDeployment,
  GitHubDeploymentStatus
} from '../../src/github/client.ts';
import type { HealthGateConfig } from '../../src/health/run-health-gate.ts';
import { buildDeployRecord, parseDeployRecord } from '../../src/github/deploy-record.ts';
import { GitHubApiError } from '../../src/github/client.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { Redactor } from '../../src/redact.ts';
import type { MetricProvider } from '../../src/providers/metrics/provider.ts';
import type { TrafficRouter } from '../../src/providers/traffic/router.ts';
import type { DowngradeConfig, DowngradeOptions, DowngradeReport } from '../../src/rollback/downgrade.ts';
import { readRolledBackMarkers } from '../../src/rollback/incident-marker.ts';
import { ROLLBACK_STEPS, runRollback, type RollbackConfig } from '../../src/rollback/run-rollback.ts';
import type { RollbackRun } from '../../src/rollback/steps/rollback-run.ts';
import { ScriptedHttp, type Script } from '../fakes/scripted-http.ts';

const SHA_GOOD = 'a'.repeat(40);
const SHA_BAD = 'b'.repeat(40);
const WEBHOOK = 'https://hooks.example.com/services/T000/SECRET-PATH';

/** Deployment history in memory; records every write. */
class FakeGitHub implements Partial<GitHubClient> {
  readonly repository = { owner: 'octo', repo: 'shop' };
  deployments: GitHubDeployment[] = [];
  statuses = new Map<number, GitHubDeploymentStatus[]>();
  created: CreateGitHubDeploymentInput[] = [];
  statusWrites: { id: number; input: CreateGitHubDeploymentStatusInput }[] = [];
  issues: CreateGitHubIssueInput[] = [];
  failIssue = false;
  compared: string[] = [];
  failList = false;

  seed(id: number, sha: string, version: string, states: GitHubDeploymentStatus['state'][], minute: number) {
    this.deployments.push({
      id,
      sha,
      ref: 'main',
      task: 'deploy',
      environment: 'production',
      description: null,
      creator: 'ci',
      createdAt: `2026-11-20T10:${String(minute).padStart(2, '0')}:00Z`,
      payload: { version },
      productionEnvironment: true,
      transientEnvironment: false
    });
    this.statuses.set(
      id,
      states.map((state, i) => ({
        id: id * 100 + i,
        state,
        description: '',
        environmentUrl: null,
        logUrl: null,
        createdAt: `2026-11-20T10:${String(minute).padStart(2, '0')}:0${i}Z`,
        creator: 'ci'
      }))
    );
  }
  async listDeployments() {
    if (this.failList) throw new Error('GitHub is down');
    return [...this.deployments].reverse();
  }
  async listDeploymentStatuses(id: number) {
    return [...(this.statuses.get(id) ?? [])].reverse();
  }
  async createDeployment(input: CreateGitHubDeploymentInput) {
    this.created.push(input);
    const deployment = { ...this.deployments[0]!, id: 900 + this.created.length, sha: input.ref };
    return deployment;
  }
  async createDeploymentStatus(id: number, input: CreateGitHubDeploymentStatusInput) {
    this.statusWrites.push({ id, input });
    return {
      id: 1,
      state: input.state,
      description: '',
      environmentUrl: null,
      logUrl: null,
      createdAt: '',
      creator: null
    };
  }
  async compareChanges(base: string, head: string) {
    this.compared.push(`${base.slice(0, 1)}...${head.slice(0, 1)}`);
    return {
      commits: [
        { sha: 'e'.repeat(40), message: 'feat: faster checkout\n\nbody', author: 'alice' },
        { sha: 'f'.repeat(40), message: 'fix: typo' },
        { sha: '1'.repeat(40), message: 'chore: bump', author: 'bob' }
      ],
      files: ['api/payments/charge.py', 'web/src/App.tsx', 'README.md']
    };
  }
  files = new Map<string, string>();
  async getFileText(path: string, ref: string) {
    return this.files.get(`${ref}:${path}`);
  }
  async createIssue(input: CreateGitHubIssueInput) {
    if (this.failIssue) throw new Error('403: issues: write needed');
    this.issues.push(input);
    return {
      number: 7,
      title: input.title,
      body: input.body,
      htmlUrl: 'https://github.com/octo/shop/issues/7',
      state: 'open',
      labels: [],
      createdAt: '',
      author: null
    };
  }
}

function history(): FakeGitHub {
  const github = new FakeGitHub();
  github.seed(1, 'c'.repeat(40), '1.3.0', ['success', 'inactive'], 0);
  github.seed(2, SHA_GOOD, '1.4.0', ['success', 'inactive'], 10);
  github.seed(3, 'd'.repeat(40), '1.4.1', ['failure'], 20);
  github.seed(4, SHA_BAD, '1.5.0', ['success'], 30);
  return github;
}

class FakeRouter implements TrafficRouter {
  readonly type = 'command' as const;
  readonly target = 'fake router';
  weights: number[] = [];
  constructor(private readonly behaviour: 'ok' | 'throws' | 'unverified' = 'ok') {}
  async setWeight(weight: number) {
    if (this.behaviour === 'throws') throw new Error('nginx -t failed');
    this.weights.push(weight);
  }
  async verifyWeight() {
    return this.behaviour === 'unverified' ? false : true;
  }
  async reset() {
    await this.setWeight(0);
  }
}

class FakeExec implements Exec {
  calls: { argv: readonly string[]; options: ExecOptions }[] = [];
  constructor(
    private readonly exitCode = 0,
    private readonly stderr = 'boom'
  ) {}
  async run(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    this.calls.push({ argv, options });
    return {
      exitCode: this.exitCode,
      signal: null,
      timedOut: false,
      stdout: '',
      stderr: this.stderr,
      durationMs: 1200
    };
  }
}

const healthy =
  (version: string): Script =>
  (request) => {
    if (request.url.startsWith('https://hooks.')) return { status: 200, body: 'ok' };
    if (request.path.startsWith('/ready')) return { status: 200, body: { status: 'ok', checks: [] } };
    return { status: 200, body: { status: 'ok', version, git_sha: SHA_GOOD, uptime_seconds: 5 } };
  };

const healthConfig: HealthGateConfig = {
  target: {
    url: 'http://app.internal',
    healthPath: '/health',
    readyPath: '/ready',
    expectedVersion: '1.4.0',
    headers: {},
    timeoutMs: 1000
  },
  gate: { intervalMs: 1000, startPeriodMs: 0, retries: 2, successThreshold: 1, deadlineMs: 10_000 },
  latencySamples: 0,
  latencyPath: '/health',
  latencyConcurrency: 1,
  maxP99Ms: 600_000,
  smoke: []
};

/** A secret the run registered (as the action context does for secret inputs). */
const MASKED = 'masked-reason-secret-42';

function setup(
  options: {
    script?: Script;
    exit?: number;
    stderr?: string;
    router?: FakeRouter;
    github?: FakeGitHub | null;
  } = {}
) {
  const clock = new ManualClock();
  const http = new ScriptedHttp(clock, options.script ?? healthy('1.4.0'));
  const github = options.github === null ? undefined : (options.github ?? history());
  const exec = new FakeExec(options.exit ?? 0, options.stderr);
  const redactor = new Redactor();
  redactor.add(MASKED);
  const router = options.router ?? new FakeRouter();
  const logger = new MemoryLogger();
  const deps = {
    github: github as GitHubClient | undefined,
    exec,
    http,
    clock,
    logger,
    router,
    notifyAttempts: 2,
    redact: (text: string) => redactor.redact(text)
  };
  return { deps, github, exec, router, http, logger };
}

const base: RollbackConfig = {
  environment: 'production',
  reason: 'error rate 6% after 1.5.0',
  router: { type: 'command', command: ['set-weight', '{weight}'], timeoutMs: 1000 },
  redeploy: { argv: ['./deploy.sh'], timeoutMs: 1000 },
  health: healthConfig,
  notify: { targets: [{ url: WEBHOOK, format: 'json' }] },
  createIncident: true,
  incidentAssign: 'codeowners',
  reviewDueMs: 2 * 86_400_000,
  verifyVersion: true,
  triggeredBy: 'oncall',
  runUrl: 'https://github.com/octo/shop/actions/runs/5'
};

const statusOf = (report: Awaited<ReturnType<typeof runRollback>>) =>
  Object.fromEntries(report.steps.map((s) => [s.name, s.status]));

describe('runRollback', () => {
  it('runs the full sequence in order and restores the previous successful deployment', async () => {
    const { deps, github, exec, router } = setup();
    const report = await runRollback(base, deps);
    expect(report.succeeded).toBe(true);
    expect(report.steps.map((s) => s.name)).toEqual([
      'traffic',
      'target',
      'redeploy',
      'migrate-downgrade',
      'health',
      'recovery',
      'deployment-status',
      'incident',
      'notify'
    ]);
    expect(router.weights).toEqual([0]);
    expect(report.target).toMatchObject({ version: '1.4.0', sha: SHA_GOOD, deploymentId: 2 });
    expect(report.from).toMatchObject({ version: '1.5.0', deploymentId: 4 });
    expect(exec.calls[0]!.options.env).toEqual({
      ROLLBACK_VERSION: '1.4.0',
      ROLLBACK_SHA: SHA_GOOD,
      ROLLBACK_IMAGES: '',
      ROLLBACK_ALEMBIC_HEAD: '',
      ENVIRONMENT: 'production'
    });
    expect(github!.statusWrites[0]).toMatchObject({ id: 4, input: { state: 'failure' } });
    expect(github!.created[0]).toMatchObject({
      ref: SHA_GOOD,
      environment: 'production',
      payload: { version: '1.4.0', rollback: true }
    });
    expect(github!.statusWrites[1]!.input.state).toBe('success');
    expect(github!.issues[0]!.labels).toEqual(['incident', 'rollback']);
    // Assigned to the authors GitHub knows of the commits between the good and the bad version.
    expect(github!.compared).toEqual(['a...b']);
    expect(github!.issues[0]!.assignees).toEqual(['alice', 'bob']);
    expect(github!.issues[0]!.body).toContain('feat: faster checkout (@alice)');
    expect(report.incidentUrl).toBe('https://github.com/octo/shop/issues/7');
    expect(report.healthy).toBe(true);
    expect(JSON.stringify(report)).not.toContain('SECRET-PATH');
  });

  it('hands the deploy record to the redeploy command and records it again on its own deployment', async () => {
    const github = history();
    const record = buildDeployRecord({
      version: '1.4.0',
      sha: SHA_GOOD,
      images: { api: `ghcr.io/octo/api@sha256:${'1'.repeat(64)}` },
      alembicHead: 'ae1027a6acf',
      runUrl: 'https://github.com/octo/shop/actions/runs/2'
    });
    github.deployments.find((d) => d.id === 2)!.payload = record;
    const { deps, exec } = setup({ github });
    const report = await runRollback(base, deps);
    expect(report.target).toMatchObject({ version: '1.4.0', sha: SHA_GOOD, record });
    expect(exec.calls[0]!.options.env).toMatchObject({
      ROLLBACK_VERSION: '1.4.0',
      ROLLBACK_SHA: SHA_GOOD,
      ROLLBACK_IMAGES: JSON.stringify(record.images),
      ROLLBACK_ALEMBIC_HEAD: 'ae1027a6acf'
    });
    const payload = github.created[0]!.payload;
    expect(payload).toEqual({ ...record, run_url: base.runUrl, rollback: true });
    expect(parseDeployRecord(payload)).toEqual({ ...record, run_url: base.runUrl });
  });

  it('uses the given version, finding its sha in the history', async () => {
    const { deps, exec } = setup();
    const report = await runRollback({ ...base, version: '1.3.0' }, deps);
    expect(report.target).toMatchObject({ version: '1.3.0', sha: 'c'.repeat(40) });
    expect(exec.calls[0]!.options.env!.ROLLBACK_VERSION).toBe('1.3.0');
  });

  it('still restores traffic and tells people when there is no previous deployment', async () => {
    const github = new FakeGitHub();
    github.seed(4, SHA_BAD, '1.5.0', ['success'], 30);
    const { deps, router, exec } = setup({ github });
    const report = await runRollback(base, deps);
    expect(report.succeeded).toBe(false);
    expect(router.weights).toEqual([0]);
    expect(statusOf(report)).toMatchObject({
      traffic: 'done',
      target: 'failed',
      redeploy: 'failed',
      notify: 'done',
      incident: 'done'
    });
    expect(exec.calls).toHaveLength(0);
    expect(report.verdict).toContain('target');
    expect(report.nextSteps.join(' ')).toContain('version');
  });

  it.each([
    ['the router throws', new FakeRouter('throws')],
    ['the weight is not 0 afterwards', new FakeRouter('unverified')]
  ])('fails when traffic cannot be restored (%s), running every later step', async (_, router) => {
    const { deps, exec, github } = setup({ router });
    const report = await runRollback(base, deps);
    expect(report.succeeded).toBe(false);
    expect(statusOf(report).traffic).toBe('failed');
    expect(exec.calls).toHaveLength(1);
    expect(github!.issues).toHaveLength(1);
    expect(report.nextSteps[0]).toContain('by hand');
  });

  it('fails when the redeploy fails, and records the restored deployment as failure', async () => {
    const { deps, github } = setup({ exit: 3 });
    const report = await runRollback(base, deps);
    expect(report.succeeded).toBe(false);
    expect(statusOf(report)).toMatchObject({ redeploy: 'failed', health: 'done' });
    expect(github!.statusWrites.at(-1)!.input.state).toBe('failure');
  });

  it('fails when health is not verified after the rollback, listing the symptom in the incident', async () => {
    const { deps, github } = setup({ script: healthy('1.5.0') });
    const report = await runRollback(base, deps);
    expect(report.succeeded).toBe(false);
    expect(report.healthy).toBe(false);
    expect(github!.issues[0]!.body).toContain('Symptoms');
    expect(github!.issues[0]!.body).toMatch(/health/);
  });

  it('reports a webhook that stays down as a warning, without its URL, and the rollback succeeds', async () => {
    const script: Script = (request) =>
      request.url.startsWith('https://hooks.') ? { status: 503, body: 'down' } : healthy('1.4.0')(request);
    const { deps, logger } = setup({ script });
    const report = await runRollback(base, deps);
    expect(report.succeeded).toBe(true);
    const notify = report.steps.find((s) => s.name === 'notify')!;
    expect(notify).toMatchObject({ status: 'failed', warningOnly: true });
    expect(report.notifications).toEqual([
      expect.objectContaining({ target: 'json #1', delivered: false, attempts: 2, status: 503 })
    ]);
    expect(JSON.stringify(report) + logger.lines.join('\n')).not.toContain('SECRET-PATH');
  });

  it('sends nothing secret off the runner: masked values and credential shapes are redacted', async () => {
    const stderr = [
      'POST https://deploy.example.com/api',
      'Authorization: Bearer tok-deploy-7f3a9c',
      'could not reach postgresql://app:S3cretDbPw@db.internal/app'
    ].join('\n');
    const { deps, github, http } = setup({ exit: 3, stderr });
    const report = await runRollback(
      { ...base, reason: `error rate 6% (${MASKED}) token=tok-in-reason` },
      deps
    );
    expect(statusOf(report).redeploy).toBe('failed');
    const issue = github!.issues[0]!;
    const sent = [
      issue.title,
      issue.body,
      ...github!.statusWrites.map((w) => w.input.description ?? ''),
      ...github!.created.map((d) => d.description ?? ''),
      ...http.to('/services/').map((r) => r.body ?? '')
    ].join('\n');
    // What is sent still says what failed, with the exit status and a redacted excerpt.
    expect(issue.body).toContain('exited with status 3');
    expect(issue.body).toContain('postgresql://***@db.internal/app');
    expect(http.to('/services/')[0]!.body).toContain('Authorization: ***');
    expect(github!.statusWrites[0]!.input.description).toBe('rolled back: error rate 6% (***) token=***');
    for (const secret of [MASKED, 'tok-deploy-7f3a9c', 'S3cretDbPw', 'tok-in-reason'])
      expect(sent).not.toContain(secret);
  });

  it('says which GitHub writes were not made when GitHub stops answering, and still succeeds', async () => {
    const github = history();
    const spent = () =>
      new GitHubApiError(
        'GitHub API POST /repos/{owner}/{repo}/deployments not done: the 60 s this run may wait for GitHub ran out',
        'budget',
        undefined,
        'POST /repos/{owner}/{repo}/deployments'
      );
    github.createDeployment = async () => {
      throw spent();
    };
    github.createIssue = async () => {
      throw spent();
    };
    const { deps } = setup({ github });
    const report = await runRollback(base, deps);
    expect(report.succeeded).toBe(true);
    const detail = (name: string) => report.steps.find((s) => s.name === name)!.detail;
    expect(statusOf(report)).toMatchObject({ 'deployment-status': 'failed', incident: 'failed' });
    expect(detail('deployment-status')).toBe(
      '#4 marked failure; not written: the deployment of 1.4.0 and its success status ' +
        '(GitHub API POST /repos/{owner}/{repo}/deployments not done: the 60 s this run may wait for GitHub ran out)'
    );
    expect(detail('incident')).toMatch(/^not written: the incident issue \(GitHub API .* ran out\)$/);
    expect(report.nextSteps.join(' ')).toContain('No incident issue was opened');
  });

  it('treats a failed incident issue as a warning', async () => {
    const github = history();
    github.failIssue = true;
    const { deps } = setup({ github });
    const report = await runRollback(base, deps);
    expect(report.succeeded).toBe(true);
    expect(statusOf(report).incident).toBe('failed');
    expect(report.nextSteps.join(' ')).toContain('incident');
  });

  it('falls back to the given version when the history cannot be read', async () => {
    const github = history();
    github.failList = true;
    const { deps } = setup({ github });
    const report = await runRollback({ ...base, version: '1.4.0' }, deps);
    expect(report.target).toMatchObject({ version: '1.4.0' });
    expect(report.steps.find((s) => s.name === 'target')!.detail).toContain('history unavailable');
    const without = await runRollback(
      { ...base, version: undefined } as RollbackConfig,
      setup({ github }).deps
    );
    expect(statusOf(without).target).toBe('failed');
  });

  it('skips what is not configured and says the rollback is not verified without health', async () => {
    const { deps } = setup({ github: null });
    const report = await runRollback(
      {
        environment: 'staging',
        version: '1.4.0',
        reason: 'r',
        createIncident: false,
        incidentAssign: 'none',
        reviewDueMs: 0,
        verifyVersion: true,
        triggeredBy: 'me'
      },
      deps
    );
    expect(report.succeeded).toBe(true);
    expect(statusOf(report)).toMatchObject({
      traffic: 'skipped',
      redeploy: 'skipped',
      health: 'skipped',
      notify: 'skipped',
      incident: 'skipped',
      'deployment-status': 'skipped'
    });
    expect(report.verdict).toContain('not verified');
  });
});

describe('runRollback with the database downgrade and the recovery watch', () => {
  const downgradeConfig = {
    databaseUrl: 'postgresql://u:db-pw@db/app',
    allowDestructive: false,
    lockTimeoutMs: 5000,
    statementTimeoutMs: 60_000
  };
  const recoveryConfig = {
    windowMs: 60_000,
    intervalMs: 15_000,
    tolerancePercent: 1,
    minRequests: 20,
    metrics: { type: 'probe' as const, stableUrl: 'http://app.internal/api/items', rps: 10 },
    historyBaseline: {
      percent: 0.5,
      source: 'history' as const,
      requests: 800,
      detail: '0.50% of 800 stable requests in 4 canary measurement(s)'
    }
  };

  /** A provider whose stable track answers the given error counts, one window each. */
  function provider(clock: ManualClock, errorsPerWindow: number[]): MetricProvider {
    let window = 0;
    return {
      type: 'probe',
      async measure(_track, measureWindow) {
        await clock.sleep(measureWindow.end - clock.now());
        return { requests: 100, errors: errorsPerWindow[Math.min(window++, errorsPerWindow.length - 1)]! };
      }
    };
  }

  const report = (decision: DowngradeReport['decision']): DowngradeReport => ({
    from: '0003',
    to: '0002',
    toSource: 'one-step',
    toReason: '1.4.0 has no deploy record, so its revision is unknown: one revision down',
    revisions: [
      {
        revision: '0003',
        parents: ['0002'],
        file: '0003_add_item_category.py',
        statements: 1,
        sql: 'ALTER TABLE items DROP COLUMN category;',
        analysed: true
      }
    ],
    statements: 1,
    analysed: true,
    findings: [],
    destructive: decision === 'refused',
    decision,
    ...(decision === 'ran' ? {} : { problem: `refused: downgrading 0003 to 0002 is destructive` })
  });

  it('downgrades after the redeploy and before health, and watches the error rate come back', async () => {
    const { deps } = setup();
    const seen: DowngradeConfig[] = [];
    const seenTargets: DowngradeOptions[] = [];
    const clock = deps.clock;
    const result = await runRollback(
      { ...base, downgrade: downgradeConfig, recovery: recoveryConfig },
      {
        ...deps,
        downgradeDatabase: async (config, options) => {
          seen.push(config);
          seenTargets.push(options);
          return report('ran');
        },
        metricProvider: provider(clock, [9, 0])
      }
    );
    expect(result.succeeded).toBe(true);
    expect(seen).toEqual([downgradeConfig]);
    // The downgrade learns which release it restores (where its recorded alembic head is).
    expect(seenTargets).toEqual([
      { target: expect.objectContaining({ version: result.target!.version }), environment: base.environment }
    ]);
    expect(statusOf(result)).toMatchObject({ 'migrate-downgrade': 'done', recovery: 'done' });
    expect(result.recovery).toMatchObject({ recovered: true, recoveredAfterMs: 30_000 });
    expect(result.recovery!.measurements.map((m) => m.status)).toEqual(['above', 'recovered']);
    expect(result.downgrade!.decision).toBe('ran');
  });

  it('fails the rollback when the downgrade is refused, still verifying health and telling people', async () => {
    const { deps, github } = setup();
    const result = await runRollback(
      { ...base, downgrade: downgradeConfig },
      { ...deps, downgradeDatabase: async () => report('refused') }
    );
    expect(result.succeeded).toBe(false);
    expect(statusOf(result)).toMatchObject({
      'migrate-downgrade': 'failed',
      health: 'done',
      notify: 'done',
      incident: 'done'
    });
    expect(result.verdict).toContain('migrate-downgrade');
    expect(result.nextSteps.join(' ')).toContain('allow-destructive-downgrade');
    expect(github!.issues[0]!.body).toContain('destructive');
  });

  it('fails when the error rate stays above the baseline, listing each window in the incident', async () => {
    const { deps, github } = setup();
    const result = await runRollback(
      { ...base, recovery: recoveryConfig },
      { ...deps, metricProvider: provider(deps.clock, [7]) }
    );
    expect(result.succeeded).toBe(false);
    expect(result.recovery!.measurements).toHaveLength(4);
    expect(result.recovery!.recovered).toBe(false);
    expect(github!.issues[0]!.body).toContain('error rate at +60 s');
    expect(result.nextSteps.join(' ')).toContain('baseline');
  });

  it('measures the baseline on the stable track as the rollback starts when no history is given', async () => {
    const { deps } = setup();
    const withoutHistory: RollbackConfig['recovery'] = { ...recoveryConfig };
    delete withoutHistory.historyBaseline;
    const result = await runRollback(
      { ...base, recovery: withoutHistory },
      // The first answer is the baseline (4%); the watch then sees 7% and 4%.
      { ...deps, metricProvider: provider(deps.clock, [4, 7, 4]) }
    );
    expect(result.baseline).toMatchObject({ source: 'measured', percent: 4 });
    expect(result.recovery).toMatchObject({ recovered: true, baselinePercent: 4, thresholdPercent: 5 });
    expect(result.recovery!.measurements.map((m) => m.status)).toEqual(['above', 'recovered']);
    expect(result.verification).toMatchObject({ verified: true, recovery: 'held', version: 'held' });
  });

  it('moves traffic even when the metric source cannot be built, failing the recovery step instead', async () => {
    const { deps, router } = setup();
    const broken = {
      ...recoveryConfig,
      metrics: { type: 'datadog' }
    } as unknown as RollbackConfig['recovery'];
    const result = await runRollback({ ...base, recovery: broken }, { ...deps, metricProvider: undefined });
    expect(router.weights).toEqual([0]);
    expect(statusOf(result)).toMatchObject({ traffic: 'done', health: 'done', recovery: 'failed' });
    expect(result.steps.find((s) => s.name === 'recovery')!.detail).toContain('unknown metric provider');
    expect(result.verification).toMatchObject({ verified: false });
  });

  it('does not watch the error rate when health already failed', async () => {
    const { deps } = setup({ script: healthy('1.5.0') });
    let asked = 0;
    const result = await runRollback(
      { ...base, recovery: recoveryConfig },
      {
        ...deps,
        metricProvider: {
          type: 'probe',
          async measure() {
            asked++;
            return { requests: 100, errors: 0 };
          }
        }
      }
    );
    expect(asked).toBe(0);
    expect(result.steps.find((s) => s.name === 'recovery')).toMatchObject({ status: 'skipped' });
  });
});

describe('runRollback opening an incident the right team owns', () => {
  it('mentions the CODEOWNERS of the changed files, assigns the authors, links dashboards and dates the review', async () => {
    const github = history();
    github.files.set(
      `${SHA_BAD}:.github/CODEOWNERS`,
      [
        '# owners',
        '*            @octo/platform',
        '/api/payments/ @octo/payments',
        '*.tsx @octo/web @dana'
      ].join('\n')
    );
    // The releases went out the day before the rollback (the clock starts at 2026-01-01).
    for (const d of github.deployments) d.createdAt = d.createdAt.replace('2026-11-20', '2025-12-31');
    const { deps } = setup({ github });
    const report = await runRollback(
      {
        ...base,
        dashboardUrl:
          'https://grafana.example.com/d/api?from={from}&to={to}&var-env={environment}&v={version}'
      },
      deps
    );
    const issue = github.issues[0]!;
    expect(issue.assignees).toEqual(['alice', 'bob']);
    expect(issue.body).toContain(
      '**Owners of the changed files:** @octo/payments @octo/web @dana @octo/platform'
    );
    // From the rolled-back deploy to now, for the rolled-back version.
    expect(issue.body).toContain(
      `| dashboards | https://grafana.example.com/d/api?from=${Date.parse('2025-12-31T10:30:00Z')}&to=`
    );
    expect(issue.body).toContain('&var-env=production&v=1.5.0 |');
    expect(issue.body).toMatch(/### Post-incident review \(due \d{4}-\d{2}-\d{2}\)/);
    expect(readRolledBackMarkers(issue.body)).toEqual([{ sha: SHA_BAD, environment: 'production' }]);
    expect(report.steps.find((s) => s.name === 'incident')!.detail).toMatch(
      /^#7 opened, assigned to @alice, @bob, owners @octo\/payments @octo\/web @dana @octo\/platform mentioned, review due /
    );
  });

  it('says there is no CODEOWNERS file, and assigns nobody with incident-assign none', async () => {
    const github = history();
    const withoutFile = await runRollback(base, setup({ github }).deps);
    expect(github.issues[0]!.body).toContain('unknown (no CODEOWNERS file)');
    expect(withoutFile.steps.find((s) => s.name === 'incident')!.detail).toContain('(no CODEOWNERS file)');
    const none = history();
    await runRollback({ ...base, incidentAssign: 'none', reviewDueMs: 0 }, setup({ github: none }).deps);
    expect(none.issues[0]!.assignees).toBeUndefined();
    expect(none.issues[0]!.body).not.toContain('Owners of the changed files');
    expect(none.issues[0]!.body).not.toContain('Post-incident review');
  });
});

describe('runRollback telling several webhooks', () => {
  const STATUS_PAGE = 'https://status.example.com/hooks/SECRET-STATUS';

  it('opens the incident first and sends each webhook its format, all linking the incident', async () => {
    const { deps, http } = setup();
    const report = await runRollback(
      {
        ...base,
        notify: {
          targets: [
            { format: 'slack', url: WEBHOOK },
            { format: 'json', url: STATUS_PAGE }
          ]
        }
      },
      deps
    );
    expect(report.steps.map((s) => s.name).slice(-2)).toEqual(['incident', 'notify']);
    const slack = JSON.parse(http.to('/services/')[0]!.body!) as { blocks: unknown[] };
    const status = JSON.parse(http.to('/hooks/')[0]!.body!) as { incidentUrl: string; schema: string };
    expect(JSON.stringify(slack.blocks)).toContain('<https://github.com/octo/shop/issues/7|incident>');
    expect(status).toMatchObject({
      schema: 'rollback-notification/v1',
      incidentUrl: 'https://github.com/octo/shop/issues/7'
    });
    expect(report.notifications!.map((n) => [n.target, n.delivered])).toEqual([
      ['slack #1', true],
      ['json #2', true]
    ]);
  });

  it('says which webhook failed, without its URL, and still delivers to the others', async () => {
    const script: Script = (request) =>
      request.url.startsWith('https://status.') ? { status: 503, body: 'down' } : healthy('1.4.0')(request);
    const { deps } = setup({ script });
    const report = await runRollback(
      {
        ...base,
        notify: {
          targets: [
            { format: 'slack', url: WEBHOOK },
            { format: 'teams', url: STATUS_PAGE }
          ]
        }
      },
      deps
    );
    expect(report.succeeded).toBe(true);
    const notify = report.steps.find((s) => s.name === 'notify')!;
    expect(notify).toMatchObject({ status: 'failed', warningOnly: true });
    expect(notify.detail).toMatch(/^1 of 2 delivered; teams #2 not delivered after 2 attempt\(s\): HTTP 503/);
    expect(JSON.stringify(report)).not.toContain('SECRET');
  });
});

describe('runRollback verifying the restored version', () => {
  const unchecked: HealthGateConfig = { ...healthConfig, target: { ...healthConfig.target } };
  delete unchecked.target.expectedVersion;

  it('expects the restored version on /health by default, and fails when the old one still answers', async () => {
    const restored = await runRollback({ ...base, health: unchecked }, setup().deps);
    expect(restored.verification).toMatchObject({
      verified: true,
      version: 'held',
      expected: { source: 'restored', version: '1.4.0' }
    });
    const stale = await runRollback({ ...base, health: unchecked }, setup({ script: healthy('1.5.0') }).deps);
    expect(stale.succeeded).toBe(false);
    expect(stale.verification).toMatchObject({ verified: false, version: 'failed' });
    expect(stale.health!.failedChecks.map((c) => c.name)).toContain('version');
  });

  it('expects the sha when the target is known by its sha only', async () => {
    const report = await runRollback(
      { ...base, version: SHA_GOOD.slice(0, 12), health: unchecked },
      setup().deps
    );
    expect(report.verification.expected).toEqual({ source: 'restored', sha: SHA_GOOD });
    expect(report.verification.version).toBe('held');
  });

  it('checks no version with verify-version false, and the rollback is then not verified', async () => {
    const report = await runRollback(
      { ...base, verifyVersion: false, health: unchecked },
      setup({ script: healthy('1.5.0') }).deps
    );
    expect(report.succeeded).toBe(true);
    expect(report.verification).toMatchObject({ verified: false, health: 'held', version: 'not checked' });
    expect(report.steps.find((s) => s.name === 'health')!.detail).toContain('verify-version is false');
  });

  it('needs every smoke check to pass to be verified', async () => {
    const smoke = [{ line: 'GET /api/items 200', method: 'GET', path: '/api/items', status: '200' }];
    const script: Script = (request) =>
      request.path.startsWith('/api/items') ? { status: 500, body: 'boom' } : healthy('1.4.0')(request);
    const report = await runRollback({ ...base, health: { ...healthConfig, smoke } }, setup({ script }).deps);
    expect(report.succeeded).toBe(false);
    expect(report.verification).toMatchObject({ verified: false, smoke: 'failed' });
  });
});

describe('ROLLBACK_STEPS', () => {
  it('names nine distinct steps, traffic first, and never skips traffic when a router is given', () => {
    const names = ROLLBACK_STEPS.map((s) => s.name);
    expect(names[0]).toBe('traffic');
    expect(new Set(names).size).toBe(9);
    const run = { config: base, deps: setup().deps, facts: {} } as unknown as RollbackRun;
    expect(ROLLBACK_STEPS[0]!.skipReason(run)).toBeUndefined();
  });

  it('derives the next steps from the failed steps, in the order they ran', async () => {
    const { deps } = setup({ exit: 3, router: new FakeRouter('throws') });
    const report = await runRollback(base, deps);
    const advice = (name: string) => ROLLBACK_STEPS.find((s) => s.name === name)!.whenFailed;
    expect(report.nextSteps).toEqual([advice('traffic'), advice('redeploy')]);
  });
});
