/**
 * The workflow run an action runs in, from the variables the runner sets (the same ones
 * `@actions/github`'s `context` reads). A function of the environment passed in, so it is tested
 * as data and read without loading Octokit.
 */
import type { RepoRef } from './client.ts';

export interface GitHubRunContext {
  repository: RepoRef;
  /** `GITHUB_RUN_ID`: the workflow run this step belongs to. */
  runId: number | undefined;
  runAttempt: number | undefined;
  /** `GITHUB_SHA` */
  sha: string | undefined;
  actor: string | undefined;
  /** `GITHUB_JOB`: the job's id in the workflow file. */
  job: string | undefined;
  workflow: string | undefined;
  serverUrl: string;
  apiUrl: string;
}

/** Thrown when the variables that name the repository are missing (not on a runner, no GITHUB_REPOSITORY). */
export class MissingGitHubContextError extends Error {
  override name = 'MissingGitHubContextError';
}

function positiveInteger(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : undefined;
}

export function readGitHubRunContext(env: Record<string, string | undefined>): GitHubRunContext {
  const [owner, repo, ...rest] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new MissingGitHubContextError(
      'GITHUB_REPOSITORY is not set to owner/repo: the GitHub checks need to know the repository (the runner sets it; set it yourself for a local run)'
    );
  }
  const blank = (value: string | undefined) =>
    value === undefined || value.trim() === '' ? undefined : value.trim();
  return {
    repository: { owner, repo },
    runId: positiveInteger(env.GITHUB_RUN_ID),
    runAttempt: positiveInteger(env.GITHUB_RUN_ATTEMPT),
    sha: blank(env.GITHUB_SHA),
    actor: blank(env.GITHUB_ACTOR),
    job: blank(env.GITHUB_JOB),
    workflow: blank(env.GITHUB_WORKFLOW),
    serverUrl: (blank(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (blank(env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/+$/, '')
  };
}
