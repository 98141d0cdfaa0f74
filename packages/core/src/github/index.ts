// Re-exports of this folder: the GitHubClient interface, the run context and the Octokit client.
export * from './client.ts';
export * from './context.ts';
export * from './octokit.ts';
