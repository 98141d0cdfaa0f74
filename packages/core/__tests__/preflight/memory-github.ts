/**
 * An in-memory GitHubClient for the checks' unit tests: plain arrays a test fills and changes
 * between polls, and a log of the calls. (The HTTP layer is tested against the GitHub fake.)
 */
import {
  GitHubApiError,
  type CheckRun,
  type CommitComparison,
  type CommitStatus,
  type GitHubClient,
  type GitHubDeployment,
  type GitHubDeploymentStatus,
  type GitHubEnvironment,
  type GitHubIssue,
  type WorkflowRun
} from '../../src/github/client.ts';

export class MemoryGitHub implements GitHubClient {
  readonly repository = { owner: 'octo-org', repo: 'shop' };
  checkRuns: CheckRun[] = [];
  statuses: CommitStatus[] = [];
  workflowRuns: WorkflowRun[] = [];
  comparisons = new Map<string, CommitComparison>();
  issues: GitHubIssue[] = [];
  environments: GitHubEnvironment[] = [];
  deployments: GitHubDeployment[] = [];
  deploymentStatuses = new Map<number, GitHubDeploymentStatus[]>();
  calls: string[] = [];
  /** Called before each listCheckRuns answer: lets a test move checks along between polls. */
  beforeCheckRuns?: (poll: number) => void;
  /** Methods that throw this error instead of answering. */
  failing = new Map<string, Error>();
  private polls = 0;

  private enter(name: string): void {
    this.calls.push(name);
    const error = this.failing.get(name);
    if (error) throw error;
  }

  async listCheckRuns(): Promise<CheckRun[]> {
    this.enter('listCheckRuns');
    this.beforeCheckRuns?.(++this.polls);
    return structuredClone(this.checkRuns);
  }
  async listCommitStatuses(): Promise<CommitStatus[]> {
    this.enter('listCommitStatuses');
    return structuredClone(this.statuses);
  }
  async getWorkflowRun(runId: number): Promise<WorkflowRun> {
    this.enter('getWorkflowRun');
    const run = this.workflowRuns.find((r) => r.id === runId);
    if (!run)
      throw new GitHubApiError(
        'not found',
        'not-found',
        404,
        'GET /repos/{owner}/{repo}/actions/runs/{run_id}'
      );
    return run;
  }
  async compareCommits(base: string, head: string): Promise<CommitComparison> {
    this.enter('compareCommits');
    const comparison = this.comparisons.get(`${base}...${head}`);
    if (!comparison)
      throw new GitHubApiError(
        'GitHub API GET /repos/{owner}/{repo}/compare/{basehead} failed with HTTP 404: Not Found',
        'not-found',
        404,
        'GET /repos/{owner}/{repo}/compare/{basehead}'
      );
    return comparison;
  }
  async listIssues(filter: { labels?: string[] }): Promise<GitHubIssue[]> {
    this.enter(`listIssues:${(filter.labels ?? []).join(',')}`);
    const wanted = (filter.labels ?? []).map((l) => l.toLowerCase());
    return this.issues.filter(
      (i) => i.state === 'open' && wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w))
    );
  }
  async createIssue(): Promise<GitHubIssue> {
    throw new Error('not used by preflight');
  }
  async getEnvironment(name: string): Promise<GitHubEnvironment | undefined> {
    this.enter('getEnvironment');
    return this.environments.find((e) => e.name.toLowerCase() === name.toLowerCase());
  }
  async listDeployments(filter: { environment?: string; sha?: string }): Promise<GitHubDeployment[]> {
    this.enter('listDeployments');
    return this.deployments
      .filter(
        (d) =>
          (!filter.environment || d.environment === filter.environment) &&
          (!filter.sha || d.sha === filter.sha)
      )
      .sort((a, b) => b.id - a.id);
  }
  async listDeploymentStatuses(id: number): Promise<GitHubDeploymentStatus[]> {
    this.enter('listDeploymentStatuses');
    return [...(this.deploymentStatuses.get(id) ?? [])].reverse();
  }
  async createDeployment(): Promise<GitHubDeployment> {
    throw new Error('not used by preflight');
  }
  async createDeploymentStatus(): Promise<GitHubDeploymentStatus> {
    throw new Error('not used by preflight');
  }
}

let nextId = 100;

export function checkRun(name: string, change: Partial<CheckRun> = {}): CheckRun {
  const id = nextId++;
  return {
    id,
    name,
    status: 'completed',
    conclusion: 'success',
    htmlUrl: `https://github.com/octo-org/shop/runs/${id}`,
    detailsUrl: `https://ci.example.com/builds/${id}`,
    externalId: String(id),
    checkSuiteId: 1,
    app: 'other-ci',
    startedAt: '2026-03-02T09:00:00Z',
    completedAt: '2026-03-02T09:05:00Z',
    ...change
  };
}

export function commitStatus(
  context: string,
  state: CommitStatus['state'],
  createdAt: string,
  change: Partial<CommitStatus> = {}
): CommitStatus {
  return {
    id: nextId++,
    context,
    state,
    description: null,
    targetUrl: null,
    createdAt,
    updatedAt: createdAt,
    ...change
  };
}

export function deployment(id: number, sha: string, environment: string): GitHubDeployment {
  return {
    id,
    sha,
    ref: sha,
    task: 'deploy',
    environment,
    description: null,
    creator: 'octocat',
    createdAt: '2026-03-02T09:00:00Z',
    payload: {},
    productionEnvironment: false,
    transientEnvironment: false
  };
}

export function deploymentStatus(
  state: GitHubDeploymentStatus['state'],
  createdAt = '2026-03-02T10:00:00Z'
): GitHubDeploymentStatus {
  return {
    id: nextId++,
    state,
    description: '',
    environmentUrl: state === 'success' ? 'https://staging.example.com' : null,
    logUrl: 'https://github.com/octo-org/shop/actions/runs/1',
    createdAt,
    creator: 'octocat'
  };
}
