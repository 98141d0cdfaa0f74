/**
 * The rollback orchestration: traffic back to stable first, then the target, the redeploy, health,
 * GitHub deployment statuses, the notification and the incident. Every step is recorded; a failed
 * step never skips the safety steps after it. Dependencies are passed in (GitHub, exec, http,
 * clock, logger) so the sequence is tested with fakes.
 */
import type { Clock } from '../clock.ts';
import { errorMessage } from '../errors.ts';
import { describeExecResult, succeeded, type Exec } from '../exec/exec.ts';
import type { GitHubClient, GitHubIssue } from '../github/client.ts';
import { buildDeployRecord } from '../github/deploy-record.ts';
import { runHealthGate, type HealthGateConfig } from '../health/run-health-gate.ts';
import type { HealthGateReport } from '../health/report.ts';
import type { HttpClient } from '../http/client.ts';
import type { Logger } from '../logger.ts';
import { createMetricProvider } from '../providers/metrics/factory.ts';
import type { MetricProvider } from '../providers/metrics/provider.ts';
import type { MetricProviderSpec } from '../providers/metrics/spec.ts';
import { createTrafficRouter } from '../providers/traffic/factory.ts';
import type { TrafficRouter } from '../providers/traffic/router.ts';
import type { TrafficRouterSpec } from '../providers/traffic/spec.ts';
import { outboundRedaction, redactStrings } from '../redact.ts';
import type { DowngradeConfig, DowngradeOptions, DowngradeReport } from './downgrade.ts';
import { draftIncident } from './incident.ts';
import { renderNotification, type NotifyFormat, type RollbackEvent } from './notify.ts';
import { watchRecovery, type RecoveryConfig, type RecoveryReport } from './recovery.ts';
import { sendNotification, type NotificationResult } from './send-notification.ts';
import { StepRecorder, type StepRecord } from './sequence.ts';
import {
  chooseRollbackTarget,
  toDeploymentRecord,
  type DeploymentRecord,
  type DeploymentState,
  type RollbackTarget
} from './target.ts';

/** How many recent deployments are read to find the target: enough history, bounded API calls. */
const HISTORY_LIMIT = 30;

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
  recovery?: RecoveryConfig & { metrics: MetricProviderSpec };
  notify?: { url: string; format: NotifyFormat; mention?: string };
  createIncident: boolean;
  /** Who started the run (GITHUB_ACTOR). */
  triggeredBy: string;
  runUrl?: string;
}

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
  health?: { verdict: string; failedChecks: HealthGateReport['failedChecks'] };
  downgrade?: DowngradeReport;
  recovery?: RecoveryReport;
  notification?: NotificationResult;
  incidentUrl?: string;
  restoredDeploymentId?: number;
  steps: StepRecord[];
  nextSteps: string[];
}

/** Reads the environment's recent deployments with their statuses, as chooseRollbackTarget takes them. */
export async function readDeploymentHistory(
  github: GitHubClient,
  environment: string
): Promise<DeploymentRecord[]> {
  const deployments = (await github.listDeployments({ environment })).slice(0, HISTORY_LIMIT);
  return Promise.all(
    deployments.map(async (d) =>
      toDeploymentRecord(
        d,
        (await github.listDeploymentStatuses(d.id)).map((s) => ({
          state: s.state as DeploymentState,
          createdAt: s.createdAt
        }))
      )
    )
  );
}

/** Runs the whole sequence and returns the report; throws only on a bug, never on a failed step. */
export async function runRollback(config: RollbackConfig, deps: RollbackDeps): Promise<RollbackReport> {
  const { github, clock, logger } = deps;
  const outbound = outboundRedaction(deps.redact);
  const startedAt = clock.date();
  const steps = new StepRecorder(clock, logger);
  let target: RollbackTarget | undefined;
  let current: DeploymentRecord | undefined;
  let health: HealthGateReport | undefined;
  let downgrade: DowngradeReport | undefined;
  let recovery: RecoveryReport | undefined;
  let notification: NotificationResult | undefined;
  let incidentUrl: string | undefined;
  let restoredDeploymentId: number | undefined;

  // 1. Traffic first: whatever else fails, users go back to the stable track.
  if (config.router) {
    const spec = config.router;
    await steps.run('traffic', async () => {
      const router = deps.router ?? createTrafficRouter(spec, { exec: deps.exec, logger });
      await router.setWeight(0);
      const verified = await router.verifyWeight(0);
      if (verified === false) throw new Error(`${router.target}: canary weight is not 0 after setting it`);
      return {
        detail: `${router.target}: canary weight 0${verified ? ', verified' : ' (the router cannot verify)'}`
      };
    });
  } else steps.skip('traffic', 'no router given');

  // 2. The target: the given version, or the previous successful deployment.
  await steps.run('target', async () => {
    let history: DeploymentRecord[] = [];
    let historyProblem: string | undefined;
    if (github) {
      try {
        history = await readDeploymentHistory(github, config.environment);
      } catch (error) {
        if (config.version === undefined) throw error;
        historyProblem = errorMessage(error);
      }
    } else if (config.version === undefined) {
      throw new Error('no github-token: the deployment history cannot be read; give `version`');
    }
    const choice = chooseRollbackTarget(history, config.version);
    current = choice.current;
    if (!choice.target) throw new Error(choice.problem ?? 'no rollback target');
    target = choice.target;
    return {
      detail: `${target.version}${target.sha ? ` (${target.sha.slice(0, 7)})` : ''}: ${target.reason}${historyProblem ? ` (history unavailable: ${historyProblem})` : ''}`
    };
  });

  // 3. Full redeploy of the target.
  if (config.redeploy) {
    const redeploy = config.redeploy;
    await steps.run('redeploy', async () => {
      if (!target) throw new Error('no target version, so nothing to redeploy');
      const result = await deps.exec.run(redeploy.argv, {
        env: {
          ROLLBACK_VERSION: target.version,
          ROLLBACK_SHA: target.sha ?? '',
          // What the deploy recorded, exactly: empty when the target has no deploy record.
          ROLLBACK_IMAGES: target.record ? JSON.stringify(target.record.images) : '',
          ROLLBACK_ALEMBIC_HEAD: target.record?.alembic_head ?? '',
          ENVIRONMENT: config.environment
        },
        timeoutMs: redeploy.timeoutMs
      });
      if (!succeeded(result)) throw new Error(describeExecResult(redeploy.argv, result));
      return { detail: `${redeploy.argv[0]} exited 0 in ${(result.durationMs / 1000).toFixed(1)} s` };
    });
  } else steps.skip('redeploy', 'no redeploy-command given');

  // 4. The database back to the restored release's revision, only after its SQL was checked.
  if (config.downgrade) {
    const downgradeConfig = config.downgrade;
    await steps.run('migrate-downgrade', async () => {
      if (!deps.downgradeDatabase) throw new Error('no alembic driver was given to run the downgrade');
      downgrade = await deps.downgradeDatabase(downgradeConfig, {
        target,
        environment: config.environment
      });
      if (downgrade.decision !== 'ran') throw new Error(downgrade.problem ?? downgrade.decision);
      const note = downgrade.destructive ? ', destructive (allowed)' : '';
      return {
        detail: `${downgrade.from} -> ${downgrade.to} (${downgrade.revisions.length} revision(s), ${downgrade.statements} statement(s) checked${note})`
      };
    });
  } else steps.skip('migrate-downgrade', 'migrate-downgrade is false');

  // 5. Health, with health-gate's logic: even when an earlier step failed, people need to know.
  if (config.health) {
    const healthConfig = config.health;
    await steps.run('health', async () => {
      health = await runHealthGate(healthConfig, { http: deps.http, clock, logger });
      if (!health.healthy) throw new Error(health.verdict);
      return { detail: health.verdict };
    });
  } else steps.skip('health', 'no health-url given: the rollback is not verified');

  // 6. The error rate back at its baseline; pointless to wait for when the service is not healthy.
  const healthFailed = steps.steps.some((s) => s.name === 'health' && s.status === 'failed');
  if (config.recovery && !healthFailed) {
    const recoveryConfig = config.recovery;
    await steps.run('recovery', async () => {
      const provider =
        deps.metricProvider ?? createMetricProvider(recoveryConfig.metrics, { http: deps.http, clock });
      recovery = await watchRecovery(recoveryConfig, { provider, clock, logger });
      if (!recovery.recovered) throw new Error(recovery.verdict);
      return { detail: recovery.verdict };
    });
  } else if (config.recovery)
    steps.skip('recovery', 'health failed: the service is not back, nothing to watch');
  else steps.skip('recovery', 'no recovery-window given');

  const blocking = () => steps.blockingFailures();

  // 7. Deployment statuses: the bad deployment marked, the restored one recorded.
  if (github && target) {
    const restored = target;
    await steps.run('deployment-status', async () => {
      const ok = blocking().length === 0;
      const state = ok ? 'success' : 'failure';
      const writes: GitHubWrite[] = [];
      if (current && current.sha !== restored.sha) {
        const bad = current;
        writes.push({
          what: `the failure status of #${bad.id} (${bad.version})`,
          write: async () => {
            await github.createDeploymentStatus(bad.id, {
              state: 'failure',
              description: outbound(`rolled back: ${config.reason}`).slice(0, 140),
              ...(config.runUrl ? { logUrl: config.runUrl } : {}),
              autoInactive: false
            });
            return `#${bad.id} marked failure`;
          }
        });
      }
      writes.push({
        what: `the deployment of ${restored.version} and its ${state} status`,
        write: async () => {
          const deployment = await github.createDeployment({
            ref: restored.sha ?? restored.version,
            environment: config.environment,
            description: outbound(`rollback to ${restored.version}`).slice(0, 140),
            autoMerge: false,
            requiredContexts: [],
            payload: restoredPayload(restored, config.runUrl)
          });
          restoredDeploymentId = deployment.id;
          await github.createDeploymentStatus(deployment.id, {
            state,
            description: outbound(
              ok ? `restored ${restored.version}` : `rollback failed: ${blocking()[0]?.name}`
            ).slice(0, 140),
            ...(config.runUrl ? { logUrl: config.runUrl } : {})
          });
          return `#${deployment.id} created for ${restored.version} (${state})`;
        }
      });
      return { detail: (await writeInOrder(writes)).join('; ') };
    });
  } else steps.skip('deployment-status', github ? 'no target to record' : 'no github-token');

  const event = (): RollbackEvent => {
    const failures = steps.steps.filter((s) => s.status === 'failed');
    return {
      environment: config.environment,
      outcome: blocking().length === 0 ? 'rolled-back' : 'failed',
      ...(current ? { fromVersion: current.version } : {}),
      ...(target ? { toVersion: target.version } : {}),
      ...(target?.sha ? { toSha: target.sha } : {}),
      reason: config.reason,
      triggeredBy: config.triggeredBy,
      startedAt: startedAt.toISOString(),
      durationSeconds: steps.elapsedMs() / 1000,
      ...(health ? { healthy: health.healthy } : {}),
      ...(config.runUrl ? { runUrl: config.runUrl } : {}),
      ...(incidentUrl ? { incidentUrl } : {}),
      problems: failures.map((s) => `${s.name}: ${s.detail}`),
      ...(config.notify?.mention ? { mention: config.notify.mention } : {})
    };
  };

  // 8. People told: retried with backoff; a failure is a warning, never a failed rollback.
  if (config.notify) {
    const notify = config.notify;
    await steps.run('notify', async () => {
      notification = await sendNotification(
        redactStrings(renderNotification(notify.format, event()), outbound),
        {
          url: notify.url,
          http: deps.http,
          clock,
          ...(deps.notifyAttempts ? { attempts: deps.notifyAttempts } : {})
        }
      );
      // The webhook URL is a secret: an error message naming it must not reach logs or the report.
      if (notification.error) notification.error = notification.error.split(notify.url).join('***');
      if (!notification.delivered)
        throw new Error(
          `not delivered after ${notification.attempts} attempt(s): ${notification.error ?? 'unknown error'}`
        );
      return { detail: `${notify.format} notification delivered (HTTP ${notification.status})` };
    });
  } else steps.skip('notify', 'no notify-webhook given');

  // 9. The incident issue.
  if (config.createIncident && github) {
    await steps.run('incident', async () => {
      const symptoms = [
        ...(health?.failedChecks.map((c) => `health check ${c.name}: ${c.error}`) ?? []),
        ...(recovery && !recovery.recovered
          ? recovery.measurements.map((m) => `error rate at +${Math.round(m.atMs / 1000)} s: ${m.detail}`)
          : []),
        ...steps.steps.filter((s) => s.status === 'failed').map((s) => `${s.name} failed: ${s.detail}`)
      ];
      // The authors of the rolled-back commits are assigned; without them the issue is still opened.
      let commits: { sha: string; message: string; author?: string }[] = [];
      let commitNote = '';
      if (github.listCommitsBetween && target?.sha && current && current.sha !== target.sha) {
        try {
          commits = await github.listCommitsBetween(target.sha, current.sha);
        } catch (error) {
          commitNote = ` (commits unknown: ${errorMessage(error)})`;
        }
      }
      const draft = draftIncident({
        event: event(),
        symptoms,
        timeline: steps.steps.map(
          (s) => `${s.name}: ${s.status} after ${(s.durationMs / 1000).toFixed(1)} s (${s.detail})`
        ),
        commits
      });
      let issue: GitHubIssue;
      try {
        issue = await github.createIssue({
          title: outbound(draft.title),
          body: outbound(draft.body),
          labels: draft.labels,
          ...(draft.assignees.length ? { assignees: draft.assignees } : {})
        });
      } catch (error) {
        throw notWritten([], ['the incident issue'], error);
      }
      incidentUrl = issue.htmlUrl;
      return {
        detail: `#${issue.number} opened${draft.assignees.length ? `, assigned to ${draft.assignees.map((a) => `@${a}`).join(', ')}` : ''}${commitNote}`
      };
    });
  } else steps.skip('incident', config.createIncident ? 'no github-token' : 'create-incident is false');

  const failures = blocking();
  const succeededAll = failures.length === 0;
  const verdict = succeededAll
    ? `${config.environment} is back on ${target?.version}${health ? ', healthy' : ' (health not verified: no health-url)'}`
    : `rollback of ${config.environment} failed at ${failures.map((s) => s.name).join(', ')}: ${failures[0]!.detail}`;
  return {
    schema: 'rollback/v1',
    environment: config.environment,
    reason: config.reason,
    triggeredBy: config.triggeredBy,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(steps.elapsedMs()),
    succeeded: succeededAll,
    verdict,
    ...(current ? { from: { version: current.version, sha: current.sha, deploymentId: current.id } } : {}),
    ...(target ? { target } : {}),
    ...(health
      ? { healthy: health.healthy, health: { verdict: health.verdict, failedChecks: health.failedChecks } }
      : {}),
    ...(downgrade ? { downgrade } : {}),
    ...(recovery ? { recovery } : {}),
    ...(notification ? { notification } : {}),
    ...(incidentUrl ? { incidentUrl } : {}),
    ...(restoredDeploymentId !== undefined ? { restoredDeploymentId } : {}),
    steps: steps.steps,
    nextSteps: nextSteps(steps.steps, succeededAll)
  };
}

/**
 * The payload of the rollback's own deployment: a deploy record of what was restored, so that a
 * second rollback finds it like any deploy (marked `rollback: true`, which the record ignores). A
 * target without a full sha cannot be a record: it keeps the version only.
 */
function restoredPayload(target: RollbackTarget, runUrl: string | undefined): Record<string, unknown> {
  if (target.sha === undefined || !/^[0-9a-f]{40}$/i.test(target.sha))
    return { version: target.version, rollback: true };
  return {
    ...buildDeployRecord({
      version: target.version,
      sha: target.sha,
      images: target.record?.images ?? {},
      ...(target.record?.alembic_head ? { alembicHead: target.record.alembic_head } : {}),
      ...(runUrl ? { runUrl } : {})
    }),
    rollback: true
  };
}

/** One GitHub write of a step: what it records (said when it was not written) and the call. */
interface GitHubWrite {
  what: string;
  /** Resolves to a note on what was written. */
  write: () => Promise<string>;
}

/**
 * Runs the writes one after the other and returns their notes. When one fails (GitHub down, its
 * time budget spent), the step fails with what was written and what was not, so people know what
 * to record by hand.
 */
async function writeInOrder(writes: readonly GitHubWrite[]): Promise<string[]> {
  const notes: string[] = [];
  for (const [index, { write }] of writes.entries()) {
    try {
      notes.push(await write());
    } catch (error) {
      throw notWritten(
        notes,
        writes.slice(index).map((w) => w.what),
        error
      );
    }
  }
  return notes;
}

function notWritten(written: readonly string[], missing: readonly string[], error: unknown): Error {
  return new Error([...written, `not written: ${missing.join(', ')} (${errorMessage(error)})`].join('; '));
}

/** What a person does next, from the steps' outcomes. */
function nextSteps(records: readonly StepRecord[], ok: boolean): string[] {
  const next: string[] = [];
  const failed = (name: string) => records.some((s) => s.name === name && s.status === 'failed');
  if (failed('traffic'))
    next.push('Traffic is NOT confirmed on stable: set the canary weight to 0 by hand now.');
  if (failed('target')) next.push('Run again with `version` set to the last good version.');
  if (failed('redeploy'))
    next.push('The redeploy failed: check its output above and redeploy the target by hand.');
  if (failed('migrate-downgrade'))
    next.push(
      'The database was NOT downgraded: read the downgrade SQL and findings below; if losing that data is acceptable, run again with allow-destructive-downgrade: true, otherwise keep the schema (expand/contract: the old version may run on it).'
    );
  if (failed('health'))
    next.push('The service is unhealthy after the rollback: page the on-call and check the failing checks.');
  if (failed('recovery'))
    next.push(
      'The error rate did not return to its baseline: the cause may not be the rolled-back change (a dependency, the database, load); page the on-call.'
    );
  if (failed('notify'))
    next.push('The notification was not delivered: tell the team in the incident channel.');
  if (failed('incident')) next.push('No incident issue was opened: open one by hand with this summary.');
  if (failed('deployment-status'))
    next.push(
      'GitHub deployment statuses were not updated: the history may still show the bad version as current.'
    );
  if (ok)
    next.push(
      'Find the cause in the rolled-back change, fix forward, then deploy again through the pipeline.'
    );
  return next;
}
