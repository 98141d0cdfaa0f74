/**
 * The rollback orchestration: the nine steps of ROLLBACK_STEPS (each in `steps/`, saying its name,
 * whether it applies and how it runs), driven by the step recorder. A failed step never skips the
 * safety steps after it. Dependencies are passed in (GitHub, exec, http, clock, logger) so the
 * sequence is tested with fakes.
 */
import type { Clock } from '../clock.ts';
import type { Exec } from '../exec/exec.ts';
import type { GitHubClient } from '../github/client.ts';
import type { HealthGateConfig } from '../health/run-health-gate.ts';
import type { HealthGateReport } from '../health/report.ts';
import type { HttpClient } from '../http/client.ts';
import type { Logger } from '../logger.ts';
import type { MetricProvider } from '../providers/metrics/provider.ts';
import type { MetricProviderSpec } from '../providers/metrics/spec.ts';
import type { TrafficRouter } from '../providers/traffic/router.ts';
import type { TrafficRouterSpec } from '../providers/traffic/spec.ts';
import { outboundRedaction } from '../redact.ts';
import type { DowngradeConfig, DowngradeOptions, DowngradeReport } from './downgrade.ts';
import type { NotifyTarget } from './notify.ts';
import type { RecoveryBaseline, RecoveryConfig, RecoveryReport } from './recovery.ts';
import { StepRecorder, adviseNextSteps, type StepRecord } from './sequence.ts';
import { deploymentStatusStep } from './steps/deployment-status.ts';
import { healthStep } from './steps/health.ts';
import { incidentStep } from './steps/incident.ts';
import { migrateDowngradeStep } from './steps/migrate-downgrade.ts';
import { notifyStep, type TargetNotification } from './steps/notify.ts';
import { recoveryStep } from './steps/recovery.ts';
import { redeployStep } from './steps/redeploy.ts';
import type { RollbackRun, RollbackStep } from './steps/rollback-run.ts';
import { targetStep } from './steps/target.ts';
import { trafficStep } from './steps/traffic.ts';
import type { RollbackTarget } from './target.ts';
import { verifyRollback, type RollbackVerification } from './verification.ts';

/**
 * The time a rollback may wait for GitHub, over all its calls: the history read and the writes
 * after the safety steps (statuses, incident). Traffic moves before any of them; a GitHub that
 * never answers then costs a minute in all, not every call's timeout times its retries, and the
 * steps say what was not written.
 */
export const ROLLBACK_GITHUB_BUDGET_MS = 60_000;

export interface RollbackConfig {
  environment: string;
  version?: string;
  reason: string;
  router?: TrafficRouterSpec;
  redeploy?: { argv: string[]; timeoutMs: number };
  downgrade?: DowngradeConfig;
  health?: HealthGateConfig;
  /** The recovery watch; without `historyBaseline` the baseline is measured as the rollback starts. */
  recovery?: RecoveryConfig & { metrics: MetricProviderSpec; historyBaseline?: RecoveryBaseline };
  /** Unless an expected version or sha is given, /health must report the restored version. */
  verifyVersion: boolean;
  /** The webhooks told, each in its format (chat, a status page). */
  notify?: { targets: NotifyTarget[]; mention?: string };
  createIncident: boolean;
  /** Who owns the incident: CODEOWNERS of the changed files mentioned and authors assigned, authors only, or nobody. */
  incidentAssign: IncidentAssign;
  /** Link template for logs, metrics or traces ({from}, {to}, {environment}, {version}). */
  dashboardUrl?: string;
  /** The post-incident review is due this long after the rollback; 0: no review checklist. */
  reviewDueMs: number;
  /** Who started the run (GITHUB_ACTOR). */
  triggeredBy: string;
  runUrl?: string;
}

export const INCIDENT_ASSIGN = ['codeowners', 'authors', 'none'] as const;
export type IncidentAssign = (typeof INCIDENT_ASSIGN)[number];

export interface RollbackDeps {
  /** Undefined without a token: history, statuses and the incident are then failed steps. */
  github: GitHubClient | undefined;
  exec: Exec;
  http: HttpClient;
  clock: Clock;
  logger: Logger;
  /** Tests pass their own; by default the router is built from the spec with `exec`. */
  router?: TrafficRouter;
  /** Analyses and runs the alembic downgrade (downgradeDatabase with the action's alembic client). */
  downgradeDatabase?: (config: DowngradeConfig, options: DowngradeOptions) => Promise<DowngradeReport>;
  /** Tests pass their own; by default the provider is built from the recovery's metrics spec. */
  metricProvider?: MetricProvider;
  /** Delivery attempts of the notification (default 4). */
  notifyAttempts?: number;
  /**
   * Masks the run's registered secrets (the action context's `redact`). Everything sent off the
   * runner (deployment statuses, the incident issue, the notification) goes through it and then
   * through the credential shapes (outboundRedaction).
   */
  redact: (text: string) => string;
}

/** The `report` output: schema rollback/v1. Never holds a secret (no URL of the webhook, no token). */
export interface RollbackReport {
  schema: 'rollback/v1';
  environment: string;
  reason: string;
  triggeredBy: string;
  startedAt: string;
  durationMs: number;
  succeeded: boolean;
  verdict: string;
  from?: { version: string; sha: string; deploymentId: number };
  target?: RollbackTarget;
  healthy?: boolean;
  /** `verified` with what held: health, the restored version, smoke, recovery. */
  verification: RollbackVerification;
  /** The recovery baseline, also when the watch was skipped. */
  baseline?: RecoveryBaseline;
  health?: { verdict: string; failedChecks: HealthGateReport['failedChecks'] };
  downgrade?: DowngradeReport;
  recovery?: RecoveryReport;
  /** One delivery per webhook, named by format and position (never by URL). */
  notifications?: TargetNotification[];
  incidentUrl?: string;
  restoredDeploymentId?: number;
  steps: StepRecord[];
  nextSteps: string[];
}

/**
 * The rollback, step by step, in the order the safety rules set: traffic first (never skipped when
 * a router is given), then the target and everything that restores it, the checks that it is back,
 * and last what records and tells it: the incident before the notification, which links it.
 */
export const ROLLBACK_STEPS: readonly RollbackStep[] = [
  trafficStep,
  targetStep,
  redeployStep,
  migrateDowngradeStep,
  healthStep,
  recoveryStep,
  deploymentStatusStep,
  incidentStep,
  notifyStep
];

/** Runs the whole sequence and returns the report; throws only on a bug, never on a failed step. */
export async function runRollback(config: RollbackConfig, deps: RollbackDeps): Promise<RollbackReport> {
  const recorder = new StepRecorder(deps.clock, deps.logger);
  const run: RollbackRun = {
    config,
    deps,
    outbound: outboundRedaction(deps.redact),
    startedAt: deps.clock.date(),
    recorder,
    facts: {}
  };
  await recorder.runAll(ROLLBACK_STEPS, run);
  // A baseline still being measured (the watch was skipped) is waited for: no work outlives the run.
  const baseline = (await run.facts.recoveryWatch?.catch(() => undefined))?.baseline;
  return buildReport(run, baseline);
}

/** The report of a finished run: the verdict from the blocking failures, the facts, the advice. */
function buildReport(
  { config, facts, recorder, startedAt }: RollbackRun,
  baseline: RecoveryBaseline | undefined
): RollbackReport {
  const { current, target, health } = facts;
  const failures = recorder.blockingFailures();
  const succeeded = failures.length === 0;
  const verdict = succeeded
    ? `${config.environment} is back on ${target?.version}${health ? ', healthy' : ' (health not verified: no health-url)'}`
    : `rollback of ${config.environment} failed at ${failures.map((s) => s.name).join(', ')}: ${failures[0]!.detail}`;
  const report: RollbackReport = {
    schema: 'rollback/v1',
    environment: config.environment,
    reason: config.reason,
    triggeredBy: config.triggeredBy,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(recorder.elapsedMs()),
    succeeded,
    verdict,
    verification: verifyRollback({
      health,
      expected: facts.expected,
      smokeChecks: config.health?.smoke.length ?? 0,
      recoveryWatched: config.recovery !== undefined,
      recovery: facts.recovery
    }),
    steps: recorder.steps,
    nextSteps: adviseNextSteps(ROLLBACK_STEPS, recorder.steps, succeeded)
  };
  if (current) report.from = { version: current.version, sha: current.sha, deploymentId: current.id };
  if (target) report.target = target;
  if (health) {
    report.healthy = health.healthy;
    report.health = { verdict: health.verdict, failedChecks: health.failedChecks };
  }
  if (baseline) report.baseline = baseline;
  if (facts.downgrade) report.downgrade = facts.downgrade;
  if (facts.recovery) report.recovery = facts.recovery;
  if (facts.notifications) report.notifications = facts.notifications;
  if (facts.incidentUrl) report.incidentUrl = facts.incidentUrl;
  if (facts.restoredDeploymentId !== undefined) report.restoredDeploymentId = facts.restoredDeploymentId;
  return report;
}
