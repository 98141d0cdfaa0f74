// Re-exports of this folder: the GitHubClient interface, the run context, the Octokit client with
// the time budget for its calls, and the deploy record.
export * from './budget.ts';
export * from './client.ts';
export * from './context.ts';
export * from './octokit.ts';
export * from './deploy-record.ts';
export * from './record-deployment.ts';
