/**
 * Which version to restore: pure, from the environment's deployment history as GitHub keeps it.
 */

export type DeploymentState =
  'success' | 'failure' | 'error' | 'inactive' | 'in_progress' | 'queued' | 'pending';

export interface DeploymentRecord {
  id: number;
  sha: string;
  /** Branch, tag or sha the deployment was created from. */
  ref: string;
  /** `payload.version` when the pipeline recorded it, the ref otherwise. */
  version: string;
  createdAt: string;
  /** Its statuses, newest first. */
  statuses: { state: DeploymentState; createdAt: string }[];
}

export interface RollbackTarget {
  version: string;
  sha?: string;
  /** The deployment restored, when the target came from history. */
  deploymentId?: number;
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

const BAD_STATES: ReadonlySet<DeploymentState> = new Set(['failure', 'error']);

/**
 * The newest deployment is the current one. The target is the newest older deployment that
 * reached `success`, whose latest status is not `failure`/`error`, and whose commit differs from
 * the current one. A deployment GitHub marked `inactive` because a newer one succeeded still
 * counts as known-good (that is how every superseded good deployment ends); one that never
 * succeeded does not. An explicit `version` wins over history.
 */
export function chooseRollbackTarget(
  deployments: readonly DeploymentRecord[],
  version?: string
): RollbackChoice {
  const history = [...deployments].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const current = history[0];
  if (version !== undefined) {
    const match = history.find(
      (d) => d.version === version || d.ref === version || d.sha.startsWith(version.toLowerCase())
    );
    return {
      ...(current ? { current } : {}),
      target: {
        version,
        ...(match
          ? { sha: match.sha, deploymentId: match.id }
          : /^[0-9a-f]{7,40}$/i.test(version)
            ? { sha: version }
            : {}),
        reason: match
          ? `version ${version} given, deployed before as #${match.id}`
          : `version ${version} given`
      }
    };
  }
  if (!current)
    return {
      problem:
        'the environment has no deployments in GitHub, so there is no previous version to restore; give `version`'
    };
  const good = history.slice(1).find((d) => {
    const latest = d.statuses[0]?.state;
    return (
      d.sha !== current.sha &&
      d.statuses.some((s) => s.state === 'success') &&
      latest !== undefined &&
      !BAD_STATES.has(latest)
    );
  });
  if (!good) {
    return {
      current,
      problem: `no successful deployment before the current one (#${current.id}, ${current.version}) among the last ${history.length}; give \`version\``
    };
  }
  return {
    current,
    target: {
      version: good.version,
      sha: good.sha,
      deploymentId: good.id,
      reason: `previous successful deployment #${good.id} (${good.createdAt})`
    }
  };
}
