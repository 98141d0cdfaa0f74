// Re-exports of this folder: the GitHubClient interface, the run context, the Octokit client and
// the deploy record.
export * from './client.ts';
export * from './context.ts';
export * from './octokit.ts';
export * from './deploy-record.ts';
export * from './record-deployment.ts';
