/**
 * Whether the rollback is proven: health, the restored version, the smoke checks and the recovery
 * of the error rate, each held, failed or not checked. Pure. Safe by default: what was not
 * checked never counts as held, so a rollback without health-url is never `verified`.
 */
import type { HealthGateReport } from '../health/report.ts';
import type { RecoveryReport } from './recovery.ts';

export type CheckOutcome = 'held' | 'failed' | 'not checked';

/** What /health had to report after the rollback, and who asked for it. */
export interface VersionExpectation {
  /** `given`: health-expected-version/-sha; `restored`: the target, by verify-version. */
  source: 'given' | 'restored';
  version?: string;
  sha?: string;
}

export interface RollbackVerification {
  verified: boolean;
  health: CheckOutcome;
  version: CheckOutcome;
  smoke: CheckOutcome;
  recovery: CheckOutcome;
  /** The version or sha /health had to report, when one was expected. */
  expected?: VersionExpectation;
}

const VERSION_CHECKS = new Set(['version', 'git-sha']);

export function verifyRollback(input: {
  health: HealthGateReport | undefined;
  expected: VersionExpectation | undefined;
  smokeChecks: number;
  recoveryWatched: boolean;
  recovery: RecoveryReport | undefined;
}): RollbackVerification {
  const { health, expected } = input;
  const healthOutcome: CheckOutcome = health ? (health.healthy ? 'held' : 'failed') : 'not checked';
  let version: CheckOutcome = 'not checked';
  if (health && expected) {
    if (health.failedChecks.some((c) => VERSION_CHECKS.has(c.name))) version = 'failed';
    else if (health.healthy) version = 'held';
  }
  let smoke: CheckOutcome = 'not checked';
  if (health && input.smokeChecks > 0) {
    const passed = health.smoke.filter((s) => s.passed).length;
    if (passed === input.smokeChecks) smoke = 'held';
    else if (health.smoke.some((s) => !s.passed)) smoke = 'failed';
  }
  let recovery: CheckOutcome = 'not checked';
  if (input.recovery) recovery = input.recovery.recovered ? 'held' : 'failed';
  const verified =
    healthOutcome === 'held' &&
    version === 'held' &&
    smoke !== 'failed' &&
    (input.smokeChecks === 0 || smoke === 'held') &&
    (input.recoveryWatched ? recovery === 'held' : true);
  return {
    verified,
    health: healthOutcome,
    version,
    smoke,
    recovery,
    ...(expected ? { expected } : {})
  };
}
