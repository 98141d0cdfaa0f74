/**
 * The GitHub API as the actions use it: only these endpoints, as plain data. Core logic gets a
 * GitHubClient injected (Octokit in the bundles, a loopback fake in tests), so it never imports
 * Octokit itself.
 */

export interface RepoRef {
  owner: string;
  repo: string;
}

/** A check run on a commit (checks API), reduced to what a gate needs. */
export interface CheckRun {
  id: number;
  name: string;
  /** `queued`, `in_progress`, `completed`, `waiting`, `requested`, `pending`. */
  status: string;
  /** Set when completed: `success`, `failure`, `neutral`, `cancelled`, `skipped`, `timed_out`, `action_required`, `stale`. */
  conclusion: string | null;
  htmlUrl: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  checkSuiteId: number | null;
  /** Slug of the app that created it (`github-actions` for workflow jobs). */
  app: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

/** A commit status (statuses API): the latest one per `context` is what counts. */
export interface CommitStatus {
  id: number;
  context: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  description: string | null;
  targetUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A workflow run, for its check suite (which holds the run's own check runs). */
export interface WorkflowRun {
  id: number;
  name: string | null;
  checkSuiteId: number | null;
  htmlUrl: string;
  headSha: string;
}

/** `base...head`: how far head is ahead of and behind base. */
export interface CommitComparison {
  status: 'diverged' | 'ahead' | 'behind' | 'identical';
  aheadBy: number;
  behindBy: number;
  htmlUrl: string;
  mergeBaseSha: string | null;
}

/** One commit of a comparison; `author` is the GitHub login, when GitHub links the commit to an account. */
export interface ComparedCommit {
  sha: string;
  message: string;
  author?: string;
}

/** What changed between two commits: the commits with their authors, and the files. */
export interface ComparedChanges {
  commits: ComparedCommit[];
  /** Paths of the changed files (GitHub's compare lists at most 300). */
  files: string[];
}

export interface GitHubIssue {
  number: number;
  title: string;
  /** The body as written (empty when none); text from outside, neutralise it before logging. */
  body: string;
  htmlUrl: string;
  state: string;
  labels: string[];
  createdAt: string;
  author: string | null;
}

export interface EnvironmentProtectionRule {
  type: string;
  /** `required_reviewers`: who may approve. */
  reviewers?: { type: string; name: string }[];
  preventSelfReview?: boolean;
  /** `wait_timer`: minutes. */
  waitTimer?: number;
}

export interface GitHubEnvironment {
  name: string;
  htmlUrl: string;
  protectionRules: EnvironmentProtectionRule[];
  /** `null` when any branch may deploy. */
  branchPolicy: { protectedBranches: boolean; customBranchPolicies: boolean } | null;
}

export interface GitHubDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  creator: string | null;
  createdAt: string;
  payload: unknown;
  productionEnvironment: boolean;
  transientEnvironment: boolean;
}

export type GitHubDeploymentState =
  'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface GitHubDeploymentStatus {
  id: number;
  state: GitHubDeploymentState;
  description: string;
  environmentUrl: string | null;
  logUrl: string | null;
  createdAt: string;
  creator: string | null;
}

export interface CreateGitHubDeploymentInput {
  ref: string;
  environment: string;
  description?: string;
  task?: string;
  /** Default `false` here (GitHub's default `true` merges the default branch into `ref`). */
  autoMerge?: boolean;
  /** Status contexts that must be green; `[]` skips GitHub's check (the default checks all). */
  requiredContexts?: string[];
  payload?: Record<string, unknown>;
  productionEnvironment?: boolean;
  transientEnvironment?: boolean;
}

export interface CreateGitHubDeploymentStatusInput {
  state: GitHubDeploymentState;
  description?: string;
  environmentUrl?: string;
  logUrl?: string;
  /** GitHub's default `true` marks earlier successful deployments of the environment inactive. */
  autoInactive?: boolean;
}

export interface CreateGitHubIssueInput {
  title: string;
  body: string;
  labels?: string[];
  /** Logins; GitHub silently drops those who cannot be assigned. */
  assignees?: string[];
}

/**
 * The endpoints the actions use. Every list is read to the end (pagination); every failure is a
 * GitHubApiError after the client's own retries (5xx with backoff, rate limits as GitHub asks).
 */
export interface GitHubClient {
  readonly repository: RepoRef;
  /** Check runs on `ref`, the latest per name (`filter=latest`). */
  listCheckRuns(ref: string): Promise<CheckRun[]>;
  /** Every commit status on `ref`, newest first (several per context). */
  listCommitStatuses(ref: string): Promise<CommitStatus[]>;
  getWorkflowRun(runId: number): Promise<WorkflowRun>;
  compareCommits(base: string, head: string): Promise<CommitComparison>;
  /**
   * The commits in `head` and not in `base` (GitHub's compare: at most 250), with their GitHub
   * authors where known, and the files they changed. Optional so existing fakes need not implement
   * it; rollback uses it to assign the incident and find its owners.
   */
  compareChanges?(base: string, head: string): Promise<ComparedChanges>;
  /** A text file of the repository at `ref`; undefined when it does not exist. Optional like compareChanges. */
  getFileText?(path: string, ref: string): Promise<string | undefined>;
  /** Issues (not pull requests) having every one of `labels`. */
  listIssues(filter: { labels?: string[]; state?: 'open' | 'closed' | 'all' }): Promise<GitHubIssue[]>;
  createIssue(input: CreateGitHubIssueInput): Promise<GitHubIssue>;
  /** `undefined` when the environment does not exist. */
  getEnvironment(name: string): Promise<GitHubEnvironment | undefined>;
  /** Deployments, newest first. */
  listDeployments(filter: {
    environment?: string;
    sha?: string;
    ref?: string;
    task?: string;
  }): Promise<GitHubDeployment[]>;
  /** Statuses of one deployment, newest first. */
  listDeploymentStatuses(deploymentId: number): Promise<GitHubDeploymentStatus[]>;
  createDeployment(input: CreateGitHubDeploymentInput): Promise<GitHubDeployment>;
  createDeploymentStatus(
    deploymentId: number,
    input: CreateGitHubDeploymentStatusInput
  ): Promise<GitHubDeploymentStatus>;
}

/** A repository or environment secret as GitHub lists it: its name and dates, never a value. */
export interface SecretMetadata {
  name: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Secret metadata, read with a token that may read it (GitHub's `GITHUB_TOKEN` never may): kept
 * apart from GitHubClient because it is built from `secrets-token`.
 */
export interface GitHubSecretsClient {
  /** The repository's Actions secrets (every environment can read them). */
  listRepositorySecrets(): Promise<SecretMetadata[]>;
  /** The environment's own secrets; `undefined` when the environment does not exist. */
  listEnvironmentSecrets(environment: string): Promise<SecretMetadata[] | undefined>;
}

/** Why a call failed, for the message and for callers that treat some kinds differently. */
export type GitHubErrorKind =
  'not-found' | 'permission' | 'rate-limit' | 'server' | 'network' | 'invalid' | 'auth' | 'budget';

/** A GitHub API call that failed for good (after retries). The token is never part of it. */
export class GitHubApiError extends Error {
  override name = 'GitHubApiError';
  constructor(
    message: string,
    readonly kind: GitHubErrorKind,
    readonly status: number | undefined,
    /** `GET /repos/{owner}/{repo}/...` */
    readonly endpoint: string,
    /** GitHub's `x-accepted-github-permissions` on a 403: what a fine-grained token or App needs. */
    readonly acceptedPermissions?: string
  ) {
    super(message);
  }
}

/** The permission of `GITHUB_TOKEN` an endpoint needs, for messages about 403s. */
export function permissionFor(endpoint: string): string {
  const write = !endpoint.startsWith('GET ');
  if (endpoint.includes('/check-runs') || endpoint.includes('/check-suites')) return 'checks: read';
  if (endpoint.includes('/statuses') && endpoint.includes('/deployments/'))
    return `deployments: ${write ? 'write' : 'read'}`;
  if (endpoint.includes('/statuses') || endpoint.endsWith('/status'))
    return `statuses: ${write ? 'write' : 'read'}`;
  if (endpoint.includes('/deployments')) return `deployments: ${write ? 'write' : 'read'}`;
  if (endpoint.includes('/issues')) return `issues: ${write ? 'write' : 'read'}`;
  if (endpoint.includes('/actions/') || endpoint.includes('/environments')) return 'actions: read';
  return 'contents: read';
}
