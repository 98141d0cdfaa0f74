/**
 * GitHubClient on Octokit from `@actions/github` (proxy support, GITHUB_API_URL for GitHub
 * Enterprise, the runner's user agent), with the retry and throttling plugins:
 * - 5xx and network failures are retried with growing delays (1 s, 4 s, 9 s by default);
 * - a primary (403/429 with `x-ratelimit-remaining: 0`) or secondary rate limit waits as GitHub
 *   asks (`x-ratelimit-reset`, `retry-after`) and retries, unless the wait is longer than allowed;
 * - what still fails becomes a GitHubApiError that says what, why, and which permission is needed.
 * Octokit and its plugins are imported when a client is created, so a run that fails on its
 * inputs, or needs no GitHub check, does not load them.
 */
import type { Logger } from '../logger.ts';
import { GitHubBudgetSpent, type GitHubBudget } from './budget.ts';
import {
  GitHubApiError,
  permissionFor,
  type CheckRun,
  type CommitStatus,
  type CommitComparison,
  type GitHubDeployment,
  type GitHubDeploymentState,
  type GitHubDeploymentStatus,
  type GitHubEnvironment,
  type GitHubClient,
  type GitHubErrorKind,
  type GitHubIssue,
  type GitHubSecretsClient,
  type SecretMetadata,
  type RepoRef,
  type WorkflowRun
} from './client.ts';

export interface OctokitClientOptions {
  token: string;
  repository: RepoRef;
  /** API root, e.g. `https://api.github.com` or a GitHub Enterprise `https://host/api/v3`. */
  baseUrl: string;
  userAgent: string;
  logger: Logger;
  /** Retries after a 5xx, a network failure or a rate limit (default 3). */
  retries?: number;
  /** The longest rate-limit wait accepted before failing instead (default 5 minutes). */
  maxRateLimitWaitMs?: number;
  /** Limit for one HTTP exchange (default 30 s); a timeout is retried like a 5xx. */
  requestTimeoutMs?: number;
  /** Milliseconds per second of the waits GitHub asks for and of the retry backoff (1000; tests shrink it). */
  waitUnitMs?: number;
  /** One limit on the time all calls together may wait for GitHub (default: none). */
  budget?: GitHubBudget;
}

type Json = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const login = (user: unknown): string | null => str((user as Json | null)?.login);

function toCheckRun(raw: Json): CheckRun {
  return {
    id: raw.id as number,
    name: raw.name as string,
    status: raw.status as string,
    conclusion: str(raw.conclusion),
    htmlUrl: str(raw.html_url),
    detailsUrl: str(raw.details_url),
    externalId: str(raw.external_id),
    checkSuiteId: num((raw.check_suite as Json | null)?.id),
    app: str((raw.app as Json | null)?.slug),
    startedAt: str(raw.started_at),
    completedAt: str(raw.completed_at)
  };
}

function toCommitStatus(raw: Json): CommitStatus {
  return {
    id: raw.id as number,
    context: raw.context as string,
    state: raw.state as CommitStatus['state'],
    description: str(raw.description),
    targetUrl: str(raw.target_url),
    createdAt: raw.created_at as string,
    updatedAt: raw.updated_at as string
  };
}

function toIssue(raw: Json): GitHubIssue {
  return {
    number: raw.number as number,
    title: raw.title as string,
    body: str(raw.body) ?? '',
    htmlUrl: raw.html_url as string,
    state: raw.state as string,
    labels: ((raw.labels as unknown[]) ?? [])
      .map((label) => (typeof label === 'string' ? label : str((label as Json).name)))
      .filter((name): name is string => name !== null),
    createdAt: raw.created_at as string,
    author: login(raw.user)
  };
}

function toDeployment(raw: Json): GitHubDeployment {
  return {
    id: raw.id as number,
    sha: raw.sha as string,
    ref: raw.ref as string,
    task: raw.task as string,
    environment: raw.environment as string,
    description: str(raw.description),
    creator: login(raw.creator),
    createdAt: raw.created_at as string,
    payload: raw.payload,
    productionEnvironment: raw.production_environment === true,
    transientEnvironment: raw.transient_environment === true
  };
}

function toDeploymentStatus(raw: Json): GitHubDeploymentStatus {
  return {
    id: raw.id as number,
    state: raw.state as GitHubDeploymentState,
    description: (raw.description as string | undefined) ?? '',
    environmentUrl: str(raw.environment_url) || null,
    logUrl: str(raw.log_url) || str(raw.target_url) || null,
    createdAt: raw.created_at as string,
    creator: login(raw.creator)
  };
}

function toSecret(raw: Json): SecretMetadata {
  return {
    name: raw.name as string,
    createdAt: raw.created_at as string,
    updatedAt: raw.updated_at as string
  };
}

function toEnvironment(raw: Json): GitHubEnvironment {
  const policy = raw.deployment_branch_policy as Json | null | undefined;
  return {
    name: raw.name as string,
    htmlUrl: raw.html_url as string,
    protectionRules: ((raw.protection_rules as Json[] | undefined) ?? []).map((rule) => ({
      type: rule.type as string,
      ...(Array.isArray(rule.reviewers)
        ? {
            reviewers: (rule.reviewers as Json[]).map((entry) => {
              const reviewer = (entry.reviewer ?? {}) as Json;
              return {
                type: (entry.type as string | undefined) ?? 'User',
                name: str(reviewer.login) ?? str(reviewer.slug) ?? str(reviewer.name) ?? '?'
              };
            })
          }
        : {}),
      ...(typeof rule.prevent_self_review === 'boolean'
        ? { preventSelfReview: rule.prevent_self_review }
        : {}),
      ...(typeof rule.wait_timer === 'number' ? { waitTimer: rule.wait_timer } : {})
    })),
    branchPolicy: policy
      ? {
          protectedBranches: policy.protected_branches === true,
          customBranchPolicies: policy.custom_branch_policies === true
        }
      : null
  };
}

/** What an Octokit RequestError carries (duck-typed: the class lives in a transitive package). */
interface RequestErrorLike {
  status?: number;
  message: string;
  response?: { data?: unknown; headers?: Record<string, string | undefined> };
}

function describeFailure(error: unknown, endpoint: string): GitHubApiError {
  const e = error as RequestErrorLike;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const data = (e.response?.data ?? {}) as Json;
  const apiMessage = str(data.message) ?? e.message;
  const headers = e.response?.headers ?? {};
  const rateLimited =
    (status === 403 || status === 429) &&
    (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(apiMessage));
  let kind: GitHubErrorKind;
  let advice = '';
  if (rateLimited) {
    kind = 'rate-limit';
    const reset = Number(headers['x-ratelimit-reset']);
    advice =
      Number.isFinite(reset) && reset > 0
        ? ` (the limit resets at ${new Date(reset * 1000).toISOString()})`
        : '';
  } else if (status === 401) {
    kind = 'auth';
    advice = ': check `github-token`';
  } else if (status === 403) {
    kind = 'permission';
    advice = `: the token may lack \`${permissionFor(endpoint)}\` (set it under \`permissions:\` in the workflow)`;
  } else if (status === 404) {
    kind = 'not-found';
  } else if (status === 422 || status === 409 || status === 400) {
    kind = 'invalid';
  } else if (status !== undefined && status >= 500 && e.response !== undefined) {
    kind = 'server';
  } else {
    // Octokit reports a failed fetch (refused, reset, timeout) as a 500 without a response.
    kind = 'network';
  }
  const what = kind === 'network' ? `no answer (${e.message})` : `HTTP ${status}: ${apiMessage}`;
  const accepted = kind === 'permission' ? headers['x-accepted-github-permissions'] : undefined;
  return new GitHubApiError(
    `GitHub API ${endpoint} failed with ${what}${advice}`,
    kind,
    status,
    endpoint,
    accepted
  );
}

/** Creates the client; imports Octokit and the plugins on first use (see the module comment). */
export async function createGitHubClient(
  options: OctokitClientOptions
): Promise<GitHubClient & GitHubSecretsClient> {
  const [{ GitHub, defaults, getOctokitOptions }, { retry }, { throttling }] = await Promise.all([
    import('@actions/github/lib/utils'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling')
  ]);
  const retries = options.retries ?? 3;
  const maxWaitMs = options.maxRateLimitWaitMs ?? 300_000;
  const unit = options.waitUnitMs ?? 1000;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const { logger } = options;
  const baseFetch = (defaults.request?.fetch ?? globalThis.fetch) as typeof fetch;
  // One timeout per HTTP exchange: a hung connection to GitHub must not hang the deploy job.
  // The budget's abort is an AbortError, which the retry plugin does not retry; a timeout is.
  const timedFetch: typeof fetch = (input, init) =>
    baseFetch(input, {
      ...init,
      signal: AbortSignal.any(
        [init?.signal, AbortSignal.timeout(timeoutMs), options.budget?.signal].filter(
          (signal): signal is AbortSignal => signal !== undefined && signal !== null
        )
      )
    });

  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const endpoint = `${request.method} ${request.url}`;
      if (retryCount < retries && retryAfter * 1000 <= maxWaitMs) {
        logger.warning(
          `GitHub ${kind} rate limit on ${endpoint}: waiting ${retryAfter}s as GitHub asks, then retrying (${retryCount + 1} of ${retries})`
        );
        return true;
      }
      logger.warning(
        retryCount >= retries
          ? `GitHub ${kind} rate limit on ${endpoint}: still limited after ${retries} retries, giving up`
          : `GitHub ${kind} rate limit on ${endpoint}: GitHub asks to wait ${retryAfter}s, longer than ${Math.round(maxWaitMs / 1000)}s, giving up`
      );
      return false;
    };

  const Octokit = GitHub.plugin(retry, throttling);
  const octokit = new Octokit(
    getOctokitOptions(options.token, {
      baseUrl: options.baseUrl,
      userAgent: options.userAgent,
      request: { ...defaults.request, fetch: timedFetch },
      // 429 is left to the throttling plugin, which waits as `retry-after` asks; 409 and 422 are
      // answers (a conflict, a validation error) that the same request will get again.
      retry: {
        retries,
        retryAfterBaseValue: unit,
        doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451]
      },
      throttle: {
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        retryAfterBaseValue: unit,
        fallbackSecondaryRateRetryAfter: 60
      },
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: (message: string) => logger.warning(String(message)),
        error: (message: string) => logger.debug(String(message))
      }
    })
  );
  octokit.hook.after('request', (response, request) => {
    logger.debug(`GitHub ${request.method} ${request.url} -> ${response.status}`);
  });

  const repo = options.repository;
  const { budget } = options;
  const call = async <T>(endpoint: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await (budget ? budget.spend(run) : run());
    } catch (error) {
      if (budget?.spent)
        throw new GitHubApiError(
          `GitHub API ${endpoint} not done: ${new GitHubBudgetSpent(budget.limitMs).message}`,
          'budget',
          undefined,
          endpoint
        );
      throw describeFailure(error, endpoint);
    }
  };
  const paginate = (route: string, params: Json) =>
    call(route, () => octokit.paginate(route, { ...repo, per_page: 100, ...params }) as Promise<Json[]>);
  const request = (route: string, params: Json) =>
    call(route, async () => (await octokit.request(route, { ...repo, ...params })).data as Json);

  return {
    repository: repo,
    async listCheckRuns(ref) {
      const runs = await paginate('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
        ref,
        filter: 'latest'
      });
      return runs.map(toCheckRun);
    },
    async listCommitStatuses(ref) {
      const statuses = await paginate('GET /repos/{owner}/{repo}/commits/{ref}/statuses', { ref });
      return statuses.map(toCommitStatus);
    },
    async getWorkflowRun(runId) {
      const run = await request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { run_id: runId });
      return {
        id: run.id as number,
        name: str(run.name),
        checkSuiteId: num(run.check_suite_id),
        htmlUrl: run.html_url as string,
        headSha: run.head_sha as string
      } satisfies WorkflowRun;
    },
    async compareCommits(base, head) {
      // One commit per page: only the counts are needed, not the (possibly huge) commit list.
      const comparison = await request('GET /repos/{owner}/{repo}/compare/{basehead}', {
        basehead: `${base}...${head}`,
        per_page: 1
      });
      return {
        status: comparison.status as CommitComparison['status'],
        aheadBy: comparison.ahead_by as number,
        behindBy: comparison.behind_by as number,
        htmlUrl: comparison.html_url as string,
        mergeBaseSha: str((comparison.merge_base_commit as Json | undefined)?.sha)
      } satisfies CommitComparison;
    },
    async compareChanges(base, head) {
      // One request: GitHub's compare lists up to 250 commits and 300 files, enough to find who to assign.
      const comparison = await request('GET /repos/{owner}/{repo}/compare/{basehead}', {
        basehead: `${base}...${head}`,
        per_page: 100
      });
      const commits = Array.isArray(comparison.commits) ? (comparison.commits as Json[]) : [];
      const files = Array.isArray(comparison.files) ? (comparison.files as Json[]) : [];
      return {
        commits: commits.map((c) => {
          const author = str((c.author as Json | null | undefined)?.login);
          return {
            sha: String(c.sha),
            message: str((c.commit as Json | undefined)?.message) ?? '',
            ...(author ? { author } : {})
          };
        }),
        files: files.map((f) => str(f.filename)).filter((name): name is string => name !== null)
      };
    },
    async getFileText(path, ref) {
      try {
        const file = await request('GET /repos/{owner}/{repo}/contents/{path}', { path, ref });
        if (file.type !== 'file' || typeof file.content !== 'string') return undefined;
        return Buffer.from(file.content, 'base64').toString('utf8');
      } catch (error) {
        if (error instanceof GitHubApiError && error.kind === 'not-found') return undefined;
        throw error;
      }
    },
    async listIssues(filter) {
      const issues = await paginate('GET /repos/{owner}/{repo}/issues', {
        state: filter.state ?? 'open',
        ...(filter.labels?.length ? { labels: filter.labels.join(',') } : {})
      });
      // The issues API lists pull requests too; they are never incidents.
      return issues.filter((issue) => issue.pull_request === undefined).map(toIssue);
    },
    async createIssue(input) {
      return toIssue(
        await request('POST /repos/{owner}/{repo}/issues', {
          title: input.title,
          body: input.body,
          ...(input.labels ? { labels: input.labels } : {}),
          ...(input.assignees?.length ? { assignees: input.assignees } : {})
        })
      );
    },
    async getEnvironment(name) {
      try {
        return toEnvironment(
          await request('GET /repos/{owner}/{repo}/environments/{environment_name}', {
            environment_name: name
          })
        );
      } catch (error) {
        if (error instanceof GitHubApiError && error.kind === 'not-found') return undefined;
        throw error;
      }
    },
    async listRepositorySecrets() {
      return (await paginate('GET /repos/{owner}/{repo}/actions/secrets', {})).map(toSecret);
    },
    async listEnvironmentSecrets(environment) {
      try {
        const route = 'GET /repos/{owner}/{repo}/environments/{environment_name}/secrets';
        return (await paginate(route, { environment_name: environment })).map(toSecret);
      } catch (error) {
        // GitHub answers 404 for an environment that does not exist: it has no secrets.
        if (error instanceof GitHubApiError && error.kind === 'not-found') return undefined;
        throw error;
      }
    },
    async listDeployments(filter) {
      const params = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
      return (await paginate('GET /repos/{owner}/{repo}/deployments', params)).map(toDeployment);
    },
    async listDeploymentStatuses(deploymentId) {
      const statuses = await paginate('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
        deployment_id: deploymentId
      });
      return statuses.map(toDeploymentStatus);
    },
    async createDeployment(input) {
      const created = await request('POST /repos/{owner}/{repo}/deployments', {
        ref: input.ref,
        environment: input.environment,
        auto_merge: input.autoMerge ?? false,
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.task !== undefined ? { task: input.task } : {}),
        ...(input.requiredContexts !== undefined ? { required_contexts: input.requiredContexts } : {}),
        ...(input.payload !== undefined ? { payload: input.payload } : {}),
        ...(input.productionEnvironment !== undefined
          ? { production_environment: input.productionEnvironment }
          : {}),
        ...(input.transientEnvironment !== undefined
          ? { transient_environment: input.transientEnvironment }
          : {})
      });
      // 202 means GitHub merged the default branch into `ref` instead of creating a deployment.
      if (typeof created.id !== 'number') {
        throw new GitHubApiError(
          `GitHub did not create a deployment: ${str(created.message) ?? 'no id in the answer'}`,
          'invalid',
          202,
          'POST /repos/{owner}/{repo}/deployments'
        );
      }
      return toDeployment(created);
    },
    async createDeploymentStatus(deploymentId, input) {
      return toDeploymentStatus(
        await request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
          deployment_id: deploymentId,
          state: input.state,
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.environmentUrl !== undefined ? { environment_url: input.environmentUrl } : {}),
          ...(input.logUrl !== undefined ? { log_url: input.logUrl } : {}),
          ...(input.autoInactive !== undefined ? { auto_inactive: input.autoInactive } : {})
        })
      );
    }
  };
}
