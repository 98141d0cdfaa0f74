/**
 * The checks that ask GitHub one question each: `up-to-date` (compare), `incidents` (issues),
 * `reviewers` (environment protection) and `staging-verified` (deployments). Each returns a
 * verdict with a reason; a GitHub failure propagates and the caller fails the check with it.
 */
import type {
  GitHubClient,
  GitHubDeployment,
  GitHubDeploymentStatus,
  GitHubIssue
} from '../github/client.ts';
import { neutralise } from '../logger.ts';
import { readRolledBackMarkers } from '../rollback/incident-marker.ts';
import { countNoun, type PreflightCheckResult } from './types.ts';

const short = (sha: string) => sha.slice(0, 7);

// ---- up-to-date ---------------------------------------------------------------------------------

export interface UpToDateDetails {
  base: string;
  status?: string;
  aheadBy?: number;
  behindBy?: number;
  compareUrl?: string;
}

/** The commit must contain the tip of `base`: `base...sha` is not behind. */
export async function checkUpToDate(
  github: GitHubClient,
  base: string,
  sha: string
): Promise<PreflightCheckResult<UpToDateDetails>> {
  const comparison = await github.compareCommits(base, sha);
  const details: UpToDateDetails = {
    base,
    status: comparison.status,
    aheadBy: comparison.aheadBy,
    behindBy: comparison.behindBy,
    compareUrl: comparison.htmlUrl
  };
  const links = [{ title: `${base}...${short(sha)}`, url: comparison.htmlUrl }];
  if (comparison.behindBy > 0) {
    return {
      id: 'up-to-date',
      status: 'fail',
      reason: `${short(sha)} is ${countNoun(comparison.behindBy, 'commit')} behind ${base}: deploying it would roll back what ${base} has and it lacks.`,
      details,
      links,
      next: `Merge or rebase ${base} into the branch and deploy the new commit.`
    };
  }
  return {
    id: 'up-to-date',
    status: 'pass',
    reason:
      comparison.status === 'identical'
        ? `${short(sha)} is the tip of ${base}.`
        : `${short(sha)} contains the tip of ${base} (${countNoun(comparison.aheadBy, 'commit')} ahead).`,
    details,
    links
  };
}

// ---- incidents ----------------------------------------------------------------------------------

export interface IncidentEntry {
  number: number;
  title: string;
  url: string;
  labels: string[];
  /** The severity label that makes it block, if any. */
  severity?: string;
}

export interface IncidentDetails {
  labels: string[];
  severityLabels: string[];
  incidents: IncidentEntry[];
  /** Open rollback incidents whose marker names this commit and environment: they block. */
  rolledBack: IncidentEntry[];
  overridden: boolean;
}

/**
 * The open incidents a rollback opened when it took this commit out of this environment (the
 * marker it writes into the issue). The label `rollback` finds them whatever incident-labels say.
 */
async function rolledBackIncidents(
  github: GitHubClient,
  incidents: ReadonlyMap<number, GitHubIssue>,
  commit: { sha: string; environment: string }
): Promise<IncidentEntry[]> {
  const candidates = new Map(incidents);
  for (const issue of await github.listIssues({ labels: ['rollback'], state: 'open' }))
    candidates.set(issue.number, issue);
  const sha = commit.sha.toLowerCase();
  return [...candidates.values()]
    .filter((issue) =>
      readRolledBackMarkers(issue.body).some((m) => m.sha === sha && m.environment === commit.environment)
    )
    .sort((a, b) => a.number - b.number)
    .map((issue) => ({
      number: issue.number,
      title: neutralise(issue.title),
      url: issue.htmlUrl,
      labels: issue.labels,
      severity: 'rolled back'
    }));
}

/**
 * Open issues with one of `labels` are incidents; those that also carry one of `severityLabels`
 * block. Label names compare case-insensitively, as GitHub treats them.
 */
export async function checkIncidents(
  github: GitHubClient,
  options: {
    labels: string[];
    severityLabels: string[];
    overrideReason?: string;
    /** The commit to deploy and where: refused while a rollback incident names them. */
    deploying: { sha: string; environment: string };
  }
): Promise<PreflightCheckResult<IncidentDetails>> {
  const byNumber = new Map<number, GitHubIssue>();
  for (const label of options.labels) {
    for (const issue of await github.listIssues({ labels: [label], state: 'open' }))
      byNumber.set(issue.number, issue);
  }
  const severities = options.severityLabels.map((l) => l.toLowerCase());
  const incidents: IncidentEntry[] = [...byNumber.values()]
    .sort((a, b) => a.number - b.number)
    .map((issue) => {
      const severity = issue.labels.find((l) => severities.includes(l.toLowerCase()));
      return {
        number: issue.number,
        title: neutralise(issue.title),
        url: issue.htmlUrl,
        labels: issue.labels,
        ...(severity !== undefined ? { severity } : {})
      };
    });
  const rolledBack = await rolledBackIncidents(github, byNumber, options.deploying);
  const rolledBackNumbers = new Set(rolledBack.map((i) => i.number));
  const blocking = [
    ...rolledBack,
    ...incidents.filter((i) => i.severity !== undefined && !rolledBackNumbers.has(i.number))
  ];
  const overridden = blocking.length > 0 && options.overrideReason !== undefined;
  const details: IncidentDetails = {
    labels: options.labels,
    severityLabels: options.severityLabels,
    incidents,
    rolledBack,
    overridden
  };
  const links = incidents.map((i) => ({ title: `#${i.number} ${i.title}`, url: i.url }));
  const list = (entries: IncidentEntry[]) =>
    entries.map((i) => `#${i.number} ${i.title}${i.severity ? ` (${i.severity})` : ''}`).join(', ');
  const labelText = options.labels.map((l) => `\`${l}\``).join(' or ');
  if (blocking.length > 0) {
    const what =
      rolledBack.length > 0
        ? `${short(options.deploying.sha)} was rolled back from ${options.deploying.environment} and its incident is open: ${list(blocking)}`
        : `${countNoun(blocking.length, 'open incident')} with ${options.severityLabels.join('/')}: ${list(blocking)}`;
    return overridden
      ? {
          id: 'incidents',
          status: 'warn',
          reason: `${what} — overridden: ${options.overrideReason}`,
          details,
          links,
          next: 'The incident block was overridden: make sure the incident owner agrees with this deploy.'
        }
      : {
          id: 'incidents',
          status: 'fail',
          reason: `${what}.`,
          details,
          links,
          next:
            rolledBack.length > 0
              ? 'Deploy a fix (a new commit) instead, or close the rollback incident once its review found this commit safe.'
              : 'Deploy after the incident is resolved (close the issue or lower its severity), or set `override-reason` if this deploy is the fix.'
        };
  }
  if (incidents.length > 0) {
    return {
      id: 'incidents',
      status: 'warn',
      reason: `${countNoun(incidents.length, 'open incident')} without a blocking severity label: ${list(incidents)}.`,
      details,
      links
    };
  }
  return { id: 'incidents', status: 'pass', reason: `No open issues labelled ${labelText}.`, details };
}

// ---- reviewers ----------------------------------------------------------------------------------

export interface ReviewerDetails {
  environment: string;
  exists: boolean;
  required: boolean;
  requirement: 'auto' | 'true' | 'false';
  reviewers: { type: string; name: string }[];
  preventSelfReview?: boolean;
  waitTimerMinutes?: number;
  branchPolicy?: string;
  url?: string;
}

/**
 * The environment must exist (a job naming a missing environment makes GitHub create it without
 * any protection) and, when required, have required reviewers.
 */
export async function checkReviewers(
  github: GitHubClient,
  options: { environment: string; requirement: 'auto' | 'true' | 'false'; productionLike: boolean }
): Promise<PreflightCheckResult<ReviewerDetails>> {
  const required =
    options.requirement === 'true' || (options.requirement === 'auto' && options.productionLike);
  const environment = await github.getEnvironment(options.environment);
  const base = { environment: options.environment, required, requirement: options.requirement };
  if (!environment) {
    return {
      id: 'reviewers',
      status: 'fail',
      reason: `Environment \`${options.environment}\` does not exist: a job naming it would make GitHub create it with no protection rules.`,
      details: { ...base, exists: false, reviewers: [] },
      next: `Create \`${options.environment}\` under Settings → Environments${required ? ' with required reviewers' : ''}, or fix the \`environment\` name.`
    };
  }
  const rule = environment.protectionRules.find((r) => r.type === 'required_reviewers');
  const reviewers = rule?.reviewers ?? [];
  const waitTimer = environment.protectionRules.find((r) => r.type === 'wait_timer')?.waitTimer;
  const details: ReviewerDetails = {
    ...base,
    exists: true,
    reviewers,
    ...(rule?.preventSelfReview !== undefined ? { preventSelfReview: rule.preventSelfReview } : {}),
    ...(waitTimer !== undefined ? { waitTimerMinutes: waitTimer } : {}),
    ...(environment.branchPolicy
      ? {
          branchPolicy: environment.branchPolicy.protectedBranches
            ? 'protected branches'
            : 'selected branches'
        }
      : {}),
    url: environment.htmlUrl
  };
  const links = [{ title: `environment ${environment.name}`, url: environment.htmlUrl }];
  const who = reviewers.map((r) => (r.type === 'Team' ? `team ${r.name}` : r.name)).join(', ');
  if (required && reviewers.length === 0) {
    return {
      id: 'reviewers',
      status: 'fail',
      reason: `Environment \`${environment.name}\` has no required reviewers: a deploy to it would start without approval.`,
      details,
      links,
      next: `Add required reviewers to \`${environment.name}\` under Settings → Environments.`
    };
  }
  if (required) {
    return {
      id: 'reviewers',
      status: 'pass',
      reason: `Environment \`${environment.name}\` requires approval by ${who}${rule?.preventSelfReview ? ' (self-review prevented)' : ''}.`,
      details,
      links
    };
  }
  return {
    id: 'reviewers',
    status: 'pass',
    reason: `Environment \`${environment.name}\` exists; reviewers are not required here${
      options.requirement === 'auto'
        ? ' (require-reviewers: auto asks them of names starting with "prod")'
        : ''
    }${reviewers.length ? `, and it has them (${who})` : ''}.`,
    details,
    links
  };
}

// ---- staging-verified ---------------------------------------------------------------------------

export interface StagingDetails {
  stagingEnvironment: string;
  deployments: { id: number; createdAt: string; state: string; environmentUrl?: string; logUrl?: string }[];
  verifiedBy?: number;
}

/** How many of the newest deployments of the sha are looked at (each costs one request). */
const DEPLOYMENTS_EXAMINED = 10;

/** The state that decides a deployment: its newest status that is not `inactive` (superseded). */
function decisiveStatus(statuses: readonly GitHubDeploymentStatus[]): GitHubDeploymentStatus | undefined {
  return statuses.find((s) => s.state !== 'inactive');
}

/** The same sha must have a successful deployment in the staging environment. */
export async function checkStagingVerified(
  github: GitHubClient,
  options: { sha: string; stagingEnvironment: string }
): Promise<PreflightCheckResult<StagingDetails>> {
  const { sha, stagingEnvironment } = options;
  const deployments: GitHubDeployment[] = (
    await github.listDeployments({ environment: stagingEnvironment, sha })
  ).slice(0, DEPLOYMENTS_EXAMINED);
  const details: StagingDetails = { stagingEnvironment, deployments: [] };
  for (const deployment of deployments) {
    const status = decisiveStatus(await github.listDeploymentStatuses(deployment.id));
    details.deployments.push({
      id: deployment.id,
      createdAt: deployment.createdAt,
      state: status?.state ?? 'no status',
      ...(status?.environmentUrl ? { environmentUrl: status.environmentUrl } : {}),
      ...(status?.logUrl ? { logUrl: status.logUrl } : {})
    });
    if (status?.state === 'success') {
      details.verifiedBy = deployment.id;
      const link = status.logUrl ?? status.environmentUrl;
      return {
        id: 'staging-verified',
        status: 'pass',
        reason: `${short(sha)} was deployed to \`${stagingEnvironment}\` successfully (deployment ${deployment.id}, ${status.createdAt}).`,
        details,
        ...(link
          ? { links: [{ title: `${stagingEnvironment} deployment ${deployment.id}`, url: link }] }
          : {})
      };
    }
  }
  return {
    id: 'staging-verified',
    status: 'fail',
    reason:
      deployments.length === 0
        ? `${short(sha)} was never deployed to \`${stagingEnvironment}\`: production gets only what staging has run.`
        : `No successful deployment of ${short(sha)} to \`${stagingEnvironment}\` (${countNoun(deployments.length, 'deployment')}, the latest ${details.deployments[0]!.state}).`,
    details,
    next: `Deploy ${short(sha)} to \`${stagingEnvironment}\` and let it pass there first (or set \`staging-environment\` to the environment that verifies production deploys).`
  };
}
