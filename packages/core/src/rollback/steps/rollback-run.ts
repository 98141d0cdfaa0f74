/**
 * What every rollback step sees: the configuration, the dependencies, the step recorder, and the
 * facts earlier steps found (the target, the health report, …). Steps read and add facts; nothing
 * else is shared between them.
 */
import type { HealthGateReport } from '../../health/report.ts';
import { DASHBOARD_LOOKBACK_MS, renderDashboardUrl } from '../dashboard.ts';
import type { DowngradeReport } from '../downgrade.ts';
import type { RollbackEvent } from '../notify.ts';
import type { MetricProvider } from '../../providers/metrics/provider.ts';
import type { RecoveryBaseline, RecoveryReport } from '../recovery.ts';
import type { RollbackConfig, RollbackDeps } from '../run-rollback.ts';
import type { Step, StepRecorder } from '../sequence.ts';
import type { TargetNotification } from './notify.ts';
import type { DeploymentRecord, RollbackTarget } from '../target.ts';
import type { VersionExpectation } from '../verification.ts';

/** What the steps found and did; the report is built from it. */
export interface RollbackFacts {
  /** The deployment being rolled back, when the history shows one. */
  current?: DeploymentRecord;
  target?: RollbackTarget;
  /** What /health had to report after the rollback. */
  expected?: VersionExpectation;
  health?: HealthGateReport;
  /** Started before traffic moves: the metric source and the baseline, once measured. */
  recoveryWatch?: Promise<{ provider: MetricProvider; baseline: RecoveryBaseline }>;
  downgrade?: DowngradeReport;
  recovery?: RecoveryReport;
  notifications?: TargetNotification[];
  incidentUrl?: string;
  /** The dashboard link, filled once so the incident and the notification show the same range. */
  dashboardUrl?: string;
  restoredDeploymentId?: number;
}

export interface RollbackRun {
  config: RollbackConfig;
  deps: RollbackDeps;
  /** Redacts text sent off the runner: the run's secrets and credential shapes. */
  outbound: (text: string) => string;
  startedAt: Date;
  recorder: StepRecorder;
  facts: RollbackFacts;
}

export type RollbackStep = Step<RollbackRun>;

/**
 * The dashboard-url for the incident's time range: from when the rolled-back version was deployed
 * (an hour before the rollback when unknown) to now, for the rolled-back version.
 */
export function dashboardLink(run: RollbackRun): string | undefined {
  const { config, facts } = run;
  if (config.dashboardUrl === undefined) return undefined;
  const started = run.startedAt.getTime();
  const deployed = facts.current ? Date.parse(facts.current.createdAt) : Number.NaN;
  facts.dashboardUrl ??= renderDashboardUrl(config.dashboardUrl, {
    from: Number.isFinite(deployed) ? Math.min(deployed, started) : started - DASHBOARD_LOOKBACK_MS,
    to: run.deps.clock.date().getTime(),
    environment: config.environment,
    version: facts.current?.version ?? facts.target?.version ?? ''
  });
  return facts.dashboardUrl;
}

/** The rollback as people are told of it (notification and incident), from the steps so far. */
export function rollbackEvent(run: RollbackRun): RollbackEvent {
  const { config, facts, recorder } = run;
  const event: RollbackEvent = {
    environment: config.environment,
    outcome: recorder.blockingFailures().length === 0 ? 'rolled-back' : 'failed',
    reason: config.reason,
    triggeredBy: config.triggeredBy,
    startedAt: run.startedAt.toISOString(),
    durationSeconds: recorder.elapsedMs() / 1000,
    problems: recorder.steps.filter((s) => s.status === 'failed').map((s) => `${s.name}: ${s.detail}`)
  };
  if (facts.current) event.fromVersion = facts.current.version;
  if (facts.target) event.toVersion = facts.target.version;
  if (facts.target?.sha) event.toSha = facts.target.sha;
  if (facts.health) event.healthy = facts.health.healthy;
  if (config.runUrl) event.runUrl = config.runUrl;
  if (facts.incidentUrl) event.incidentUrl = facts.incidentUrl;
  const dashboardUrl = dashboardLink(run);
  if (dashboardUrl) event.dashboardUrl = dashboardUrl;
  if (config.notify?.mention) event.mention = config.notify.mention;
  return event;
}
