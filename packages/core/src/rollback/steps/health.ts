/**
 * Step 5, health with health-gate's logic, its smoke checks, and the restored version: even when
 * an earlier step failed, people need to know.
 */
import type { HealthGateConfig } from '../../health/run-health-gate.ts';
import { runHealthGate } from '../../health/run-health-gate.ts';
import type { RollbackTarget } from '../target.ts';
import type { VersionExpectation } from '../verification.ts';
import type { RollbackStep } from './rollback-run.ts';

/**
 * What /health must report: the version or sha the user gave, else (verify-version) the restored
 * target's version, or its sha when the target is known by its sha only.
 */
export function expectVersion(
  health: HealthGateConfig,
  verifyVersion: boolean,
  target: RollbackTarget | undefined
): VersionExpectation | undefined {
  const { expectedVersion, expectedSha } = health.target;
  if (expectedVersion !== undefined || expectedSha !== undefined)
    return {
      source: 'given',
      ...(expectedVersion ? { version: expectedVersion } : {}),
      ...(expectedSha ? { sha: expectedSha } : {})
    };
  if (!verifyVersion || !target) return undefined;
  const bySha = target.sha !== undefined && target.sha.toLowerCase().startsWith(target.version.toLowerCase());
  return bySha ? { source: 'restored', sha: target.sha! } : { source: 'restored', version: target.version };
}

export const healthStep: RollbackStep = {
  name: 'health',
  warningOnly: false,
  skipReason: ({ config }) =>
    config.health ? undefined : 'no health-url given: the rollback is not verified',
  async run({ config, deps, facts }) {
    const configured = config.health!;
    const expected = expectVersion(configured, config.verifyVersion, facts.target);
    if (expected) facts.expected = expected;
    const target = {
      ...configured.target,
      ...(expected?.version ? { expectedVersion: expected.version } : {}),
      ...(expected?.sha ? { expectedSha: expected.sha } : {})
    };
    const health = (facts.health = await runHealthGate(
      { ...configured, target },
      { http: deps.http, clock: deps.clock, logger: deps.logger }
    ));
    if (!health.healthy) throw new Error(health.verdict);
    const versionNote = expected
      ? ''
      : config.verifyVersion
        ? ' (version not checked: no restored version known)'
        : ' (version not checked: verify-version is false)';
    return { detail: `${health.verdict}${versionNote}` };
  },
  whenFailed:
    'The service is unhealthy after the rollback, or does not report the restored version: page the on-call and check the failing checks.'
};
