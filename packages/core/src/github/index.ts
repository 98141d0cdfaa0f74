// Re-exports of this folder: the GitHubClient interface, the run context, the Octokit client and
// the time budget for its calls.
export * from './budget.ts';
export * from './client.ts';
export * from './context.ts';
export * from './octokit.ts';
