/**
 * Writes a deploy record to GitHub: one deployment of the environment at the recorded commit, its
 * payload the record, then its statuses. Rollback finds it there (see rollback/target.ts).
 */
import type { GitHubClient, GitHubDeployment } from './client.ts';
import type { DeployRecord } from './deploy-record.ts';

export interface DeployRecordWrite {
  environment: string;
  record: DeployRecord;
  /** The gate's verdict: `success` when the deploy was verified, `failure` otherwise. */
  verified: boolean;
  /** Shown by GitHub beside the status (cut to GitHub's 140 characters). */
  description: string;
  /** Where the environment is reached; user info, query and fragment are removed before sending. */
  environmentUrl?: string;
  /** The workflow run that verified it. */
  logUrl?: string;
}

/**
 * Creates the deployment (`ref` = the sha, no auto-merge, no required contexts: the gate already
 * verified the running service), then `in_progress` and `success` or `failure`. Production is any
 * environment whose name starts with `prod`. A deployment whose statuses could not be written never
 * reached `success`, so rollback never takes it as known-good.
 */
export async function writeDeployRecord(
  github: GitHubClient,
  write: DeployRecordWrite
): Promise<GitHubDeployment> {
  const description = write.description.slice(0, 140);
  const environmentUrl = write.environmentUrl ? publicUrl(write.environmentUrl) : undefined;
  const links = {
    ...(environmentUrl ? { environmentUrl } : {}),
    ...(write.logUrl ? { logUrl: write.logUrl } : {})
  };
  const deployment = await github.createDeployment({
    ref: write.record.sha,
    environment: write.environment,
    description,
    autoMerge: false,
    requiredContexts: [],
    payload: write.record,
    productionEnvironment: /^prod/i.test(write.environment)
  });
  await github.createDeploymentStatus(deployment.id, { state: 'in_progress', ...links });
  await github.createDeploymentStatus(deployment.id, {
    state: write.verified ? 'success' : 'failure',
    description,
    ...links
  });
  return deployment;
}

/** The URL without what may be secret in it (user info, query, fragment): it leaves the runner. */
function publicUrl(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}`.replace(/\/$/, '');
  } catch {
    return undefined;
  }
}
