// Re-exports of this folder: the GitHubClient interface, the run context, the Octokit client with
// the time budget for its calls, and the deploy record.
export { GitHubBudget, GitHubBudgetSpent } from './budget.ts';
export {
  type CheckRun,
  type CommitComparison,
  type CommitStatus,
  type ComparedChanges,
  type ComparedCommit,
  type CreateGitHubDeploymentInput,
  type CreateGitHubDeploymentStatusInput,
  type CreateGitHubIssueInput,
  type EnvironmentProtectionRule,
  GitHubApiError,
  type GitHubClient,
  type GitHubDeployment,
  type GitHubDeploymentState,
  type GitHubDeploymentStatus,
  type GitHubEnvironment,
  type GitHubErrorKind,
  type GitHubIssue,
  type GitHubSecretsClient,
  permissionFor,
  type RepoRef,
  type SecretMetadata,
  type WorkflowRun
} from './client.ts';
export { type GitHubRunContext, MissingGitHubContextError, readGitHubRunContext } from './context.ts';
export { createGitHubClient, type OctokitClientOptions } from './octokit.ts';
export {
  buildDeployRecord,
  DEPLOY_RECORD_SCHEMA,
  type DeployRecord,
  type DeployRecordInput,
  deployRecordSchema,
  IMAGE_REFERENCE_HINT,
  isAlembicRevision,
  parseDeployRecord,
  parseImageLines
} from './deploy-record.ts';
export { type DeployRecordWrite, writeDeployRecord } from './record-deployment.ts';
export { type DeployRecordSummaryInput, renderDeployRecordSummary } from './deploy-record-summary.ts';
