/**
 * The Octokit GitHubClient against the GitHub fake (a real HTTP server on loopback that checks
 * every request and response against GitHub's OpenAPI description): every endpoint, pagination,
 * rate limits, 5xx retries, exhausted retries and permission errors.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { startGitHubFake, type GitHubFake } from '../../../../action-tests/fakes/github/index.ts';
import { MemoryLogger } from '../../src/logger.ts';
import {
  GitHubApiError,
  GitHubBudget,
  createGitHubClient,
  readGitHubRunContext,
  type GitHubClient
} from '../../src/github/index.ts';

const SHA = 'ffac537e6cbbf934b08745a378932722df287a53';
const MAIN = '1111111111111111111111111111111111111111';

let fake: GitHubFake;
let logger: MemoryLogger;

async function client(
  options: { retries?: number; maxRateLimitWaitMs?: number } = {}
): Promise<GitHubClient> {
  return createGitHubClient({
    token: fake.token,
    repository: { owner: 'octo-org', repo: 'shop' },
    baseUrl: fake.url,
    userAgent: 'deploy-actions-test',
    logger,
    // A "second" of waiting is 5 ms here: rate-limit waits and backoff keep their proportions.
    waitUnitMs: 5,
    ...options
  });
}

beforeEach(async () => {
  fake = await startGitHubFake();
  fake.state.setBranch('main', MAIN);
  logger = new MemoryLogger();
});

afterEach(async () => {
  await fake.close();
});

describe('reading', () => {
  it('reads every check run across pages, the latest per name', async () => {
    for (let i = 0; i < 130; i++) fake.state.addCheckRun({ sha: SHA, name: `test (${i})` });
    const rerun = fake.state.addCheckRun({ sha: SHA, name: 'lint', conclusion: 'failure' });
    const latest = fake.state.addCheckRun({ sha: SHA, name: 'lint', checkSuiteId: rerun.checkSuiteId });
    const runs = await (await client()).listCheckRuns(SHA);
    expect(runs).toHaveLength(131);
    expect(runs.find((r) => r.name === 'lint')).toMatchObject({
      id: latest.id,
      conclusion: 'success',
      app: 'other-ci'
    });
    expect(fake.callsTo('checks/list-for-ref').map((c) => c.query)).toEqual([
      { filter: 'latest', per_page: '100' },
      { filter: 'latest', per_page: '100', page: '2' }
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('maps a GitHub Actions job with its suite and URLs', async () => {
    const job = fake.state.addCheckRun({
      sha: SHA,
      name: 'deploy',
      workflowRunId: 9876543210,
      status: 'in_progress'
    });
    const github = await client();
    const [run] = await github.listCheckRuns(SHA);
    expect(run).toEqual({
      id: job.id,
      name: 'deploy',
      status: 'in_progress',
      conclusion: null,
      htmlUrl: `https://github.com/octo-org/shop/actions/runs/9876543210/job/${job.id}`,
      detailsUrl: `https://github.com/octo-org/shop/actions/runs/9876543210/job/${job.id}`,
      externalId: expect.any(String),
      checkSuiteId: job.checkSuiteId,
      app: 'github-actions',
      startedAt: expect.stringMatching(/^2026-03-02T09:00:\d\dZ$/),
      completedAt: null
    });
    expect(await github.getWorkflowRun(9876543210)).toEqual({
      id: 9876543210,
      name: 'deploy',
      checkSuiteId: job.checkSuiteId,
      htmlUrl: 'https://github.com/octo-org/shop/actions/runs/9876543210',
      headSha: SHA
    });
    expect(fake.violations).toEqual([]);
  });

  it('reads commit statuses newest first, the comparison, issues without pull requests', async () => {
    fake.state.addStatus({ sha: SHA, context: 'ci/jenkins', state: 'pending' });
    fake.state.addStatus({
      sha: SHA,
      context: 'ci/jenkins',
      state: 'success',
      targetUrl: 'https://ci.example.com/1'
    });
    fake.state.setComparison('main', SHA, { aheadBy: 2, behindBy: 3 });
    fake.state.addIssue({ title: 'Checkout down', labels: ['incident', 'P1'] });
    fake.state.addIssue({ title: 'Fix checkout', labels: ['incident', 'P1'], pullRequest: true });
    fake.state.addIssue({ title: 'Old outage', labels: ['incident', 'P1'], state: 'closed' });
    fake.state.addIssue({ title: 'Slow search', labels: ['Incident'] });
    const github = await client();
    expect((await github.listCommitStatuses(SHA)).map((s) => [s.context, s.state])).toEqual([
      ['ci/jenkins', 'success'],
      ['ci/jenkins', 'pending']
    ]);
    expect(await github.compareCommits('main', SHA)).toEqual({
      status: 'diverged',
      aheadBy: 2,
      behindBy: 3,
      htmlUrl: `https://github.com/octo-org/shop/compare/main...${SHA}`,
      mergeBaseSha: MAIN
    });
    expect(
      (await github.listIssues({ labels: ['incident'] })).map((i) => [i.number, i.title, i.labels])
    ).toEqual([
      [4, 'Slow search', ['Incident']],
      [1, 'Checkout down', ['incident', 'P1']]
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('reads an environment with its protection rules, and undefined for a missing one', async () => {
    fake.state.addEnvironment({
      name: 'production',
      reviewers: [
        { type: 'User', name: 'alice' },
        { type: 'Team', name: 'SRE' }
      ],
      preventSelfReview: true,
      waitTimer: 5,
      branchPolicy: 'protected'
    });
    const github = await client();
    expect(await github.getEnvironment('production')).toEqual({
      name: 'production',
      htmlUrl: 'https://github.com/octo-org/shop/deployments/activity_log?environments_filter=production',
      protectionRules: [
        { type: 'wait_timer', waitTimer: 5 },
        {
          type: 'required_reviewers',
          reviewers: [
            { type: 'User', name: 'alice' },
            { type: 'Team', name: 'sre' }
          ],
          preventSelfReview: true
        },
        { type: 'branch_policy' }
      ],
      branchPolicy: { protectedBranches: true, customBranchPolicies: false }
    });
    expect(await github.getEnvironment('prod-typo')).toBeUndefined();
    expect(fake.violations).toEqual([]);
  });
});

describe('deployments and issues (what the rollback action writes)', () => {
  it('creates a deployment and statuses; success marks the previous staging deployment inactive', async () => {
    const old = fake.state.addDeployment({ sha: MAIN, environment: 'staging', statuses: ['success'] });
    const github = await client();
    const deployment = await github.createDeployment({
      ref: SHA,
      environment: 'staging',
      description: 'rollback',
      requiredContexts: [],
      payload: { version: '1.4.0' }
    });
    expect(deployment).toMatchObject({
      sha: SHA,
      ref: SHA,
      environment: 'staging',
      task: 'deploy',
      payload: { version: '1.4.0' }
    });
    await github.createDeploymentStatus(deployment.id, { state: 'in_progress' });
    const status = await github.createDeploymentStatus(deployment.id, {
      state: 'success',
      environmentUrl: 'https://staging.example.com',
      logUrl: 'https://github.com/octo-org/shop/actions/runs/1'
    });
    expect(status).toMatchObject({ state: 'success', environmentUrl: 'https://staging.example.com' });
    expect((await github.listDeploymentStatuses(deployment.id)).map((s) => s.state)).toEqual([
      'success',
      'in_progress'
    ]);
    expect(old.statuses.map((s) => s.state)).toEqual(['success', 'inactive']);
    expect((await github.listDeployments({ environment: 'staging', sha: SHA })).map((d) => d.id)).toEqual([
      deployment.id
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('fails to deploy a commit whose checks are not green unless required_contexts says otherwise', async () => {
    fake.state.addCheckRun({ sha: SHA, name: 'test', conclusion: 'failure' });
    const github = await client();
    const error = await github
      .createDeployment({ ref: SHA, environment: 'production' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).message).toBe(
      `GitHub API POST /repos/{owner}/{repo}/deployments failed with HTTP 409: Conflict: Commit status checks failed for ${SHA}.`
    );
    await expect(
      github.createDeployment({ ref: SHA, environment: 'production', requiredContexts: [] })
    ).resolves.toMatchObject({
      environment: 'production',
      productionEnvironment: true
    });
    expect(fake.violations).toEqual([]);
  });

  it('creates an issue with labels', async () => {
    const issue = await (
      await client()
    ).createIssue({ title: 'Rollback of production', body: 'why', labels: ['incident', 'rollback'] });
    expect(issue).toMatchObject({
      number: 1,
      labels: ['incident', 'rollback'],
      htmlUrl: 'https://github.com/octo-org/shop/issues/1'
    });
    expect(fake.state.issues[0]).toMatchObject({
      title: 'Rollback of production',
      body: 'why',
      author: 'github-actions[bot]'
    });
    expect(fake.violations).toEqual([]);
  });
});

describe('failures', () => {
  it('waits out a primary rate limit as GitHub asks, then reads on', async () => {
    fake.state.addCheckRun({ sha: SHA, name: 'test' });
    fake.rateLimitNext({ kind: 'primary', resetAfterSeconds: 2 });
    const runs = await (await client()).listCheckRuns(SHA);
    expect(runs).toHaveLength(1);
    expect(fake.calls.map((c) => [c.status, c.injected])).toEqual([
      [403, 'rate-limit'],
      [200, undefined]
    ]);
    expect(
      logger.lines.some((l) =>
        /^warning: GitHub primary rate limit on GET .*: waiting \d+s as GitHub asks/.test(l)
      )
    ).toBe(true);
  });

  it('waits out a secondary rate limit (429 with retry-after) too', async () => {
    fake.rateLimitNext({ kind: 'secondary', status: 429, resetAfterSeconds: 3 });
    await expect((await client()).listCommitStatuses(SHA)).resolves.toEqual([]);
    expect(logger.lines).toContain(
      `warning: GitHub secondary rate limit on GET ${fake.url}/repos/octo-org/shop/commits/${SHA}/statuses?per_page=100: waiting 3s as GitHub asks, then retrying (1 of 3)`
    );
  });

  it('gives up on a rate limit that lasts longer than allowed, with a clear error', async () => {
    fake.rateLimitNext({ kind: 'primary', resetAfterSeconds: 3600 });
    const error = await (
      await client({ maxRateLimitWaitMs: 60_000 })
    )
      .listCheckRuns(SHA)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).kind).toBe('rate-limit');
    expect((error as GitHubApiError).message).toMatch(
      /^GitHub API GET \/repos\/\{owner\}\/\{repo\}\/commits\/\{ref\}\/check-runs failed with HTTP 403: API rate limit exceeded for installation ID 1000\. \(the limit resets at 20\d\d-/
    );
    expect(fake.calls).toHaveLength(1);
  });

  it('retries a 5xx and succeeds', async () => {
    fake.state.addEnvironment({ name: 'staging' });
    fake.failNext({ times: 2, status: 502 });
    expect(await (await client()).getEnvironment('staging')).toMatchObject({ name: 'staging' });
    expect(fake.calls.map((c) => c.status)).toEqual([502, 502, 200]);
  });

  it('fails for good after the retries, never with an answer', async () => {
    fake.failNext({ times: 10, status: 503 });
    const error = await (await client({ retries: 2 })).compareCommits('main', SHA).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ kind: 'server', status: 503 });
    expect(fake.calls).toHaveLength(3);
  });

  it('names the permission a 403 needs', async () => {
    fake.denyPermission('checks');
    const error = await (await client()).listCheckRuns(SHA).catch((e: unknown) => e);
    expect((error as GitHubApiError).message).toBe(
      'GitHub API GET /repos/{owner}/{repo}/commits/{ref}/check-runs failed with HTTP 403: Resource not accessible by integration: ' +
        'the token may lack `checks: read` (set it under `permissions:` in the workflow)'
    );
    expect(fake.calls).toHaveLength(1);
  });

  it('reports a refused connection as a network failure after retries', async () => {
    await fake.close();
    const error = await (await client({ retries: 1 })).listCheckRuns(SHA).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network' });
    expect((error as Error).message).toMatch(/failed with no answer/);
    fake = await startGitHubFake();
  });
});

describe('the time budget', () => {
  /** A loopback server that accepts every connection and never answers. */
  async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () => {
        for (const socket of sockets) socket.destroy();
        return new Promise((resolve) => server.close(() => resolve()));
      }
    };
  }

  it('cuts a call to a GitHub that never answers at the budget, then refuses the next at once', async () => {
    const silent = await silentServer();
    try {
      const budget = new GitHubBudget(500);
      const github = await createGitHubClient({
        token: fake.token,
        repository: { owner: 'octo-org', repo: 'shop' },
        baseUrl: silent.url,
        userAgent: 'deploy-actions-test',
        logger,
        requestTimeoutMs: 60_000,
        // Under Jest's module realm fetch's AbortError is no `Error`, so Octokit would retry the
        // aborted call in the background (without sending it) and hold Jest open; plain Node does not.
        retries: 0,
        budget
      });
      const started = performance.now();
      const first = await github.listDeployments({ environment: 'production' }).catch((e: unknown) => e);
      const firstMs = performance.now() - started;
      expect(first).toBeInstanceOf(GitHubApiError);
      expect(first).toMatchObject({ kind: 'budget' });
      expect((first as Error).message).toBe(
        'GitHub API GET /repos/{owner}/{repo}/deployments not done: the 1 s this run may wait for GitHub ran out'
      );
      // Generous slack for a loaded machine; without the budget this call waits 60 s per try.
      expect(firstMs).toBeGreaterThanOrEqual(450);
      expect(firstMs).toBeLessThan(10_000);
      expect(budget.spent).toBe(true);
      const second = await github.createIssue({ title: 't', body: 'b' }).catch((e: unknown) => e);
      expect(second).toMatchObject({ kind: 'budget', endpoint: 'POST /repos/{owner}/{repo}/issues' });
    } finally {
      await silent.close();
    }
  });

  it('counts only the time calls are in flight, so answered calls leave the rest of the budget', async () => {
    const budget = new GitHubBudget(2_000);
    const github = await createGitHubClient({
      token: fake.token,
      repository: { owner: 'octo-org', repo: 'shop' },
      baseUrl: fake.url,
      userAgent: 'deploy-actions-test',
      logger,
      budget
    });
    await github.listDeployments({ environment: 'production' });
    // Waiting between calls is not GitHub's time.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await expect(github.listDeployments({ environment: 'production' })).resolves.toEqual([]);
    expect(budget.spent).toBe(false);
  });
});

describe('readGitHubRunContext', () => {
  it('reads the runner variables', () => {
    expect(
      readGitHubRunContext({
        GITHUB_REPOSITORY: 'octo-org/shop',
        GITHUB_RUN_ID: '9876543210',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_SHA: SHA,
        GITHUB_ACTOR: 'octocat',
        GITHUB_JOB: 'production',
        GITHUB_API_URL: 'https://ghe.example.com/api/v3/'
      })
    ).toEqual({
      repository: { owner: 'octo-org', repo: 'shop' },
      runId: 9876543210,
      runAttempt: 2,
      sha: SHA,
      actor: 'octocat',
      job: 'production',
      workflow: undefined,
      serverUrl: 'https://github.com',
      apiUrl: 'https://ghe.example.com/api/v3'
    });
    expect(() => readGitHubRunContext({})).toThrow(/GITHUB_REPOSITORY is not set/);
    expect(() => readGitHubRunContext({ GITHUB_REPOSITORY: 'shop' })).toThrow(/GITHUB_REPOSITORY/);
  });
});
