import { describe, expect, it } from '@jest/globals';
import type { GitHubEnvironment, GitHubIssue } from '../../src/github/client.ts';
import {
  checkIncidents,
  checkReviewers,
  checkStagingVerified,
  checkUpToDate
} from '../../src/preflight/github-checks.ts';
import { rolledBackMarker } from '../../src/rollback/incident-marker.ts';
import { MemoryGitHub, deployment, deploymentStatus } from './memory-github.ts';

const SHA = 'ffac537e6cbbf934b08745a378932722df287a53';

describe('checkUpToDate', () => {
  it.each([
    ['identical', 0, 0, 'pass', 'ffac537 is the tip of main.'],
    ['ahead', 3, 0, 'pass', 'ffac537 contains the tip of main (3 commits ahead).'],
    [
      'behind',
      0,
      1,
      'fail',
      'ffac537 is 1 commit behind main: deploying it would roll back what main has and it lacks.'
    ],
    [
      'diverged',
      2,
      5,
      'fail',
      'ffac537 is 5 commits behind main: deploying it would roll back what main has and it lacks.'
    ]
  ] as const)('%s (ahead %d, behind %d): %s', async (status, aheadBy, behindBy, verdict, reason) => {
    const github = new MemoryGitHub();
    github.comparisons.set(`main...${SHA}`, {
      status,
      aheadBy,
      behindBy,
      htmlUrl: 'https://github.com/c',
      mergeBaseSha: null
    });
    const result = await checkUpToDate(github, 'main', SHA);
    expect(result).toMatchObject({
      status: verdict,
      reason,
      links: [{ title: 'main...ffac537', url: 'https://github.com/c' }]
    });
  });
});

const issue = (number: number, title: string, labels: string[], state = 'open'): GitHubIssue => ({
  number,
  title,
  body: '',
  htmlUrl: `https://github.com/octo-org/shop/issues/${number}`,
  state,
  labels,
  createdAt: '2026-03-01T00:00:00Z',
  author: 'octocat'
});

describe('checkIncidents', () => {
  const options = {
    labels: ['incident', 'outage'],
    severityLabels: ['P1', 'P2'],
    deploying: { sha: SHA, environment: 'production' }
  };

  it('shows an incident title with line breaks on one line, as text', async () => {
    const github = new MemoryGitHub();
    github.issues = [issue(12, 'Down\n::add-mask::x\r::stop-commands::t', ['incident', 'P1'])];
    const result = await checkIncidents(github, options);
    expect(result.reason).toBe(
      '1 open incident with P1/P2: #12 Down\\n::add-mask::x\\r::stop-commands::t (P1).'
    );
  });

  it('blocks on open incidents with a severity label, listing each with its link', async () => {
    const github = new MemoryGitHub();
    github.issues = [
      issue(12, 'Checkout returns 500', ['incident', 'p1']),
      issue(14, 'Search slow', ['incident', 'P3']),
      issue(15, 'Payments down', ['outage', 'P2']),
      issue(16, 'Old outage', ['incident', 'P1'], 'closed'),
      issue(17, 'Not an incident', ['bug', 'P1'])
    ];
    const result = await checkIncidents(github, options);
    expect(result.status).toBe('fail');
    expect(result.reason).toBe(
      '2 open incidents with P1/P2: #12 Checkout returns 500 (p1), #15 Payments down (P2).'
    );
    expect(result.links!.map((l) => l.url)).toEqual([
      'https://github.com/octo-org/shop/issues/12',
      'https://github.com/octo-org/shop/issues/14',
      'https://github.com/octo-org/shop/issues/15'
    ]);
    expect(github.calls).toEqual(['listIssues:incident', 'listIssues:outage', 'listIssues:rollback']);
  });

  it('turns the block into a warning with an override, and records it', async () => {
    const github = new MemoryGitHub();
    github.issues = [issue(12, 'Checkout returns 500', ['incident', 'P1'])];
    const result = await checkIncidents(github, {
      ...options,
      overrideReason: 'this deploy is the hotfix for #12'
    });
    expect(result).toMatchObject({
      status: 'warn',
      reason:
        '1 open incident with P1/P2: #12 Checkout returns 500 (P1) — overridden: this deploy is the hotfix for #12',
      details: { overridden: true }
    });
  });

  it('refuses the commit a rollback took out of this environment while its incident is open', async () => {
    const github = new MemoryGitHub();
    const rolledBack = (sha: string, environment: string) =>
      `Rolled back.\n${rolledBackMarker({ sha, environment })}`;
    github.issues = [
      // Labelled rollback only: found whatever incident-labels say, without a severity.
      {
        ...issue(21, 'Rollback of production: 1.5.0 → 1.4.0', ['rollback']),
        body: rolledBack(SHA, 'production')
      },
      { ...issue(22, 'Rollback of staging', ['incident', 'rollback']), body: rolledBack(SHA, 'staging') },
      {
        ...issue(23, 'Rollback of another commit', ['incident', 'rollback']),
        body: rolledBack('c'.repeat(40), 'production')
      },
      {
        ...issue(24, 'Closed rollback', ['incident', 'rollback'], 'closed'),
        body: rolledBack(SHA, 'production')
      }
    ];
    const result = await checkIncidents(github, options);
    expect(result).toMatchObject({
      status: 'fail',
      reason:
        'ffac537 was rolled back from production and its incident is open: #21 Rollback of production: 1.5.0 → 1.4.0 (rolled back).'
    });
    expect(result.details!.rolledBack.map((i) => i.number)).toEqual([21]);
    expect(result.next).toContain('Deploy a fix (a new commit)');
    // Another commit, or the same commit to another environment, is not held back by it.
    const other = await checkIncidents(github, {
      ...options,
      deploying: { sha: 'e'.repeat(40), environment: 'production' }
    });
    expect(other.status).toBe('warn');
    expect(other.details!.rolledBack).toEqual([]);
  });

  it('warns about incidents without a blocking severity, and passes with none', async () => {
    const github = new MemoryGitHub();
    github.issues = [issue(14, 'Search slow', ['Incident'])];
    expect(await checkIncidents(github, options)).toMatchObject({
      status: 'warn',
      details: { overridden: false }
    });
    github.issues = [];
    expect(await checkIncidents(github, options)).toMatchObject({
      status: 'pass',
      reason: 'No open issues labelled `incident` or `outage`.'
    });
  });
});

const env = (name: string, rules: GitHubEnvironment['protectionRules'] = []): GitHubEnvironment => ({
  name,
  htmlUrl: `https://github.com/octo-org/shop/deployments/activity_log?environments_filter=${name}`,
  protectionRules: rules,
  branchPolicy: null
});

describe('checkReviewers', () => {
  const reviewers = {
    type: 'required_reviewers',
    reviewers: [
      { type: 'User', name: 'alice' },
      { type: 'Team', name: 'sre' }
    ],
    preventSelfReview: true
  };

  it.each([
    // environment, requirement, productionLike, environments present, status, reason
    [
      'production',
      'auto',
      true,
      [env('production', [reviewers])],
      'pass',
      'Environment `production` requires approval by alice, team sre (self-review prevented).'
    ],
    [
      'production',
      'auto',
      true,
      [env('production', [{ type: 'wait_timer', waitTimer: 5 }])],
      'fail',
      'Environment `production` has no required reviewers: a deploy to it would start without approval.'
    ],
    [
      'production',
      'auto',
      true,
      [],
      'fail',
      'Environment `production` does not exist: a job naming it would make GitHub create it with no protection rules.'
    ],
    [
      'staging',
      'auto',
      false,
      [env('staging')],
      'pass',
      'Environment `staging` exists; reviewers are not required here (require-reviewers: auto asks them of names starting with "prod").'
    ],
    [
      'staging',
      'true',
      false,
      [env('staging')],
      'fail',
      'Environment `staging` has no required reviewers: a deploy to it would start without approval.'
    ],
    [
      'staging',
      'false',
      false,
      [],
      'fail',
      'Environment `staging` does not exist: a job naming it would make GitHub create it with no protection rules.'
    ],
    [
      'Production',
      'false',
      true,
      [env('production', [reviewers])],
      'pass',
      'Environment `production` exists; reviewers are not required here, and it has them (alice, team sre).'
    ]
  ] as const)(
    '%s with require-reviewers %s',
    async (name, requirement, productionLike, environments, status, reason) => {
      const github = new MemoryGitHub();
      github.environments = [...environments];
      const result = await checkReviewers(github, { environment: name, requirement, productionLike });
      expect(result).toMatchObject({ status, reason });
    }
  );
});

describe('checkStagingVerified', () => {
  function withDeployments(statuses: Record<number, Parameters<typeof deploymentStatus>[0][]>) {
    const github = new MemoryGitHub();
    for (const [id, states] of Object.entries(statuses)) {
      github.deployments.push(deployment(Number(id), SHA, 'staging'));
      github.deploymentStatuses.set(
        Number(id),
        states.map((s) => deploymentStatus(s))
      );
    }
    github.deployments.push(deployment(99, 'e'.repeat(40), 'staging'));
    github.deploymentStatuses.set(99, [deploymentStatus('success')]);
    return github;
  }

  it('passes when a deployment of the sha succeeded, even if later superseded (inactive)', async () => {
    const github = withDeployments({ 1: ['in_progress', 'success', 'inactive'] });
    const result = await checkStagingVerified(github, { sha: SHA, stagingEnvironment: 'staging' });
    expect(result.status).toBe('pass');
    expect(result.reason).toBe(
      'ffac537 was deployed to `staging` successfully (deployment 1, 2026-03-02T10:00:00Z).'
    );
    expect(result.links).toEqual([
      { title: 'staging deployment 1', url: 'https://github.com/octo-org/shop/actions/runs/1' }
    ]);
  });

  it('looks past a newer failed deployment to an older successful one', async () => {
    const github = withDeployments({ 1: ['success'], 2: ['failure'] });
    expect(
      (await checkStagingVerified(github, { sha: SHA, stagingEnvironment: 'staging' })).details.verifiedBy
    ).toBe(1);
  });

  it.each([
    [{}, 'ffac537 was never deployed to `staging`: production gets only what staging has run.'],
    [
      { 1: ['success', 'failure'] },
      'No successful deployment of ffac537 to `staging` (1 deployment, the latest failure).'
    ],
    [
      { 1: ['queued', 'in_progress'] },
      'No successful deployment of ffac537 to `staging` (1 deployment, the latest in_progress).'
    ],
    [{ 1: [] }, 'No successful deployment of ffac537 to `staging` (1 deployment, the latest no status).']
  ] as const)('fails: %j', async (statuses, reason) => {
    const github = withDeployments(statuses as Record<number, []>);
    expect(await checkStagingVerified(github, { sha: SHA, stagingEnvironment: 'staging' })).toMatchObject({
      status: 'fail',
      reason
    });
  });
});
