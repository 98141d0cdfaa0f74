/**
 * Which version to restore: pure, from the environment's deployment history as GitHub keeps it.
 * The deploy record a verified deploy wrote (github/deploy-record.ts) says exactly what ran; a
 * deployment without one is restored by its commit, never by its branch.
 */
import { parseDeployRecord, type DeployRecord } from '../github/deploy-record.ts';

export type DeploymentState =
  'success' | 'failure' | 'error' | 'inactive' | 'in_progress' | 'queued' | 'pending';

export interface DeploymentRecord {
  id: number;
  sha: string;
  /** Branch, tag or sha the deployment was created from. */
  ref: string;
  /** The record's version; else `payload.version` (deployments of older releases); else the sha. */
  version: string;
  /** The deploy record in its payload, when it has a valid one. */
  record?: DeployRecord;
  createdAt: string;
  /** Its statuses, newest first. */
  statuses: { state: DeploymentState; createdAt: string }[];
}

export interface RollbackTarget {
  version: string;
  sha?: string;
  /** The deployment restored, when the target came from history. */
  deploymentId?: number;
  /** What the deploy recorded (images by digest, alembic head), when it recorded it. */
  record?: DeployRecord;
  /** Why this one, in words. */
  reason: string;
}

export interface RollbackChoice {
  target?: RollbackTarget;
  /** The deployment being rolled back (the newest), if any. */
  current?: DeploymentRecord;
  /** Why no target could be chosen. */
  problem?: string;
}

/** A deployment as chooseRollbackTarget takes it, from what GitHub lists. */
export function toDeploymentRecord(
  deployment: { id: number; sha: string; ref: string; createdAt: string; payload: unknown },
  statuses: DeploymentRecord['statuses']
): DeploymentRecord {
  const record = parseDeployRecord(deployment.payload);
  return {
    id: deployment.id,
    sha: deployment.sha,
    ref: deployment.ref,
    version: record?.version ?? payloadVersion(deployment.payload) ?? deployment.sha,
    ...(record ? { record } : {}),
    createdAt: deployment.createdAt,
    statuses
  };
}

function payloadVersion(payload: unknown): string | undefined {
  if (payload && typeof payload === 'object' && 'version' in payload) {
    const version = (payload as { version?: unknown }).version;
    if (typeof version === 'string' && version !== '') return version;
  }
  return undefined;
}

const BAD_STATES: ReadonlySet<DeploymentState> = new Set(['failure', 'error']);

function knownGood(deployment: DeploymentRecord): boolean {
  const latest = deployment.statuses[0]?.state;
  return (
    deployment.statuses.some((s) => s.state === 'success') && latest !== undefined && !BAD_STATES.has(latest)
  );
}

/** The target a deployment gives: its record when it has one, else its sha with the reason why. */
function targetOf(deployment: DeploymentRecord, why: string): RollbackTarget {
  if (deployment.record) {
    return {
      version: deployment.record.version,
      sha: deployment.record.sha,
      deploymentId: deployment.id,
      record: deployment.record,
      reason: `${why}: deploy record of #${deployment.id}`
    };
  }
  return {
    version: deployment.version,
    sha: deployment.sha,
    deploymentId: deployment.id,
    reason: `${why}: no deploy record on deployment #${deployment.id}; restoring by sha ${deployment.sha.slice(0, 7)}`
  };
}

/**
 * The newest deployment is the current one (for display, a record of its commit names it). The
 * target is chosen among the older deployments of another commit that reached `success` and whose
 * latest status is not `failure`/`error` (a deployment GitHub marked `inactive` because a newer one
 * succeeded still counts; one that never succeeded does not), a commit with records being judged by
 * its newest record only: the newest with a valid deploy record
 * (GitHub's own environment deployments, ref = branch and no payload, lose to a record of their
 * commit); without any record, the newest one, restored by its sha. An explicit `version` wins over
 * history; a record of that version is preferred when one exists.
 */
export function chooseRollbackTarget(
  deployments: readonly DeploymentRecord[],
  version?: string
): RollbackChoice {
  // GitHub's times have one-second precision; ids grow, so they order deployments of one second.
  const history = [...deployments].sort(
    (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id
  );
  const newest = history[0];
  const current = newest && (history.find((d) => d.sha === newest.sha && d.record) ?? newest);
  if (version !== undefined) return chooseGivenVersion(history, current, version);
  if (!current)
    return {
      problem:
        'the environment has no deployments in GitHub, so there is no previous version to restore; give `version`'
    };
  // A commit that has records is judged by its newest record alone: once a rollback marked it
  // failed, GitHub's own successful deployment of it must not bring it back.
  const newestRecord = new Map<string, DeploymentRecord>();
  for (const d of history) if (d.record && !newestRecord.has(d.sha)) newestRecord.set(d.sha, d);
  const candidates = history.filter(
    (d) => d.sha !== current.sha && (newestRecord.get(d.sha) ?? d) === d && knownGood(d)
  );
  const recorded = candidates.find((d) => d.record);
  const chosen = recorded ?? candidates[0];
  if (!chosen) {
    return {
      current,
      problem: `no successful deployment before the current one (#${current.id}, ${current.version}) among the last ${history.length}; give \`version\``
    };
  }
  const skipped = candidates.filter((d) => d.createdAt > chosen.createdAt && d.sha !== chosen.sha);
  const target = targetOf(chosen, `previous successful deployment #${chosen.id} (${chosen.createdAt})`);
  if (skipped.length > 0)
    target.reason += `; newer successful deployments without a record skipped: ${skipped.map((d) => `#${d.id} (${d.sha.slice(0, 7)})`).join(', ')}`;
  return { current, target };
}

function chooseGivenVersion(
  history: readonly DeploymentRecord[],
  current: DeploymentRecord | undefined,
  version: string
): RollbackChoice {
  const bySha = (d: DeploymentRecord) =>
    /^[0-9a-f]{7,40}$/i.test(version) && d.sha.startsWith(version.toLowerCase());
  const match =
    history.find((d) => d.record && (d.record.version === version || bySha(d))) ??
    history.find((d) => d.version === version || d.ref === version || bySha(d));
  const withCurrent = current ? { current } : {};
  if (!match) {
    return {
      ...withCurrent,
      target: {
        version,
        ...(/^[0-9a-f]{7,40}$/i.test(version) ? { sha: version } : {}),
        reason: `version ${version} given`
      }
    };
  }
  const target = targetOf(match, `version ${version} given, deployed before as #${match.id}`);
  // The given name is what the redeploy command is asked for, unless a record says exactly what it is.
  return { ...withCurrent, target: match.record ? target : { ...target, version } };
}
