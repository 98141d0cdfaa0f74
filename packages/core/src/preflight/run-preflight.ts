/**
 * preflight-validate's core: runs the selected checks (the GitHub ones concurrently, so the CI
 * wait does not delay the rest), evaluates the window last (at the time the answer is given,
 * unless `window-at` plans another), and assembles the report. Every dependency is passed in.
 */
import type { Clock } from '../clock.ts';
import type { GitHubClient, GitHubSecretsClient } from '../github/client.ts';
import type { Logger } from '../logger.ts';
import type { HolidayRange } from '../window/holidays.ts';
import type { WindowConfig } from '../window/evaluate-window.ts';
import { checkCi } from './ci.ts';
import { checkIncidents, checkReviewers, checkStagingVerified, checkUpToDate } from './github-checks.ts';
import { checkSecrets } from './secrets.ts';
import type { SeverityThreshold } from './scanners/finding.ts';
import { assessSecurity, loadScannerReports, type ReportFileAccess, type ReportSource } from './security.ts';
import {
  PREFLIGHT_API_CHECKS,
  PREFLIGHT_CHECK_IDS,
  isProductionLike,
  type PreflightCheckId,
  type PreflightCheckResult
} from './types.ts';
import type { IgnoreEntry } from './vuln-ignore.ts';
import { checkWindow } from './window-check.ts';

export interface PreflightConfig {
  environment: string;
  sha: string;
  baseBranch: string;
  /** The checks asked for (`staging-verified` is added for production-like environments). */
  checks: readonly PreflightCheckId[];
  ciWaitMs: number;
  ciIgnore: readonly string[];
  security: {
    sources: ReportSource[];
    failOnSeverity: SeverityThreshold;
    ignores: readonly IgnoreEntry[];
  };
  incidentLabels: string[];
  incidentSeverityLabels: string[];
  window: WindowConfig & { holidays: readonly HolidayRange[] };
  /** `window-at`: evaluate the window at this instant instead of when the checks finish. */
  windowAtMs?: number;
  overrideReason?: string;
  requireReviewers: 'auto' | 'true' | 'false';
  /** `undefined` when disabled (`none`). */
  stagingEnvironment?: string;
  /** The `secrets` check: its limits, and which input its token came from. */
  secrets: { settleMs: number; maxAgeMs: number; token: 'secrets-token' | 'github-token' };
  run: { repository: string; runId?: number; actor?: string };
}

export interface PreflightDeps {
  /** Needed when an API check is selected. */
  github?: GitHubClient;
  /** Needed when `secrets` is selected: built from `secrets-token`. */
  secrets?: GitHubSecretsClient;
  clock: Clock;
  logger: Logger;
  files: ReportFileAccess;
  random?: () => number;
}

export interface PreflightReport {
  schema: 'preflight-validate/v1';
  passed: boolean;
  verdict: string;
  repository: string;
  environment: string;
  productionLike: boolean;
  sha: string;
  baseBranch: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  override?: {
    reason: string;
    by?: string;
    appliesTo: ['window', 'incidents'];
    bypassed: PreflightCheckId[];
  };
  checks: PreflightCheckResult[];
  failedChecks: PreflightCheckId[];
  warnedChecks: PreflightCheckId[];
  nextSteps: string[];
}

/** The checks that run: the selection, plus `staging-verified` for production-like targets. */
export function selectChecks(config: Pick<PreflightConfig, 'checks' | 'environment'>): PreflightCheckId[] {
  const selected = new Set(config.checks);
  if (isProductionLike(config.environment)) selected.add('staging-verified');
  return PREFLIGHT_CHECK_IDS.filter((id) => selected.has(id));
}

function skipped(id: PreflightCheckId, reason: string): PreflightCheckResult {
  return { id, status: 'skip', reason, details: {} };
}

export async function runPreflight(config: PreflightConfig, deps: PreflightDeps): Promise<PreflightReport> {
  const startedAt = deps.clock.date();
  const started = deps.clock.now();
  const selected = selectChecks(config);
  const productionLike = isProductionLike(config.environment);
  const github = deps.github;
  if (selected.some((id) => PREFLIGHT_API_CHECKS.includes(id)) && !github)
    throw new Error('runPreflight: a GitHub check is selected but no GitHub client was given');
  if (selected.includes('secrets') && !deps.secrets)
    throw new Error('runPreflight: the secrets check is selected but no secrets client was given');
  deps.logger.info(`Preflight for ${config.sha.slice(0, 7)} → ${config.environment}: ${selected.join(', ')}`);

  const guard = async (
    id: PreflightCheckId,
    run: () => Promise<PreflightCheckResult> | PreflightCheckResult
  ) => {
    try {
      return await run();
    } catch (error) {
      // A check that could not run fails: missing data never passes a deploy.
      const message = error instanceof Error ? error.message : String(error);
      deps.logger.debug(`${id}: ${error instanceof Error && error.stack ? error.stack : message}`);
      return {
        id,
        status: 'fail',
        reason: `Could not check: ${message}`,
        details: { error: message },
        next: 'Fix the cause above and run the deploy again: a check that cannot run never passes.'
      } satisfies PreflightCheckResult;
    }
  };

  const runners: Partial<
    Record<PreflightCheckId, () => Promise<PreflightCheckResult> | PreflightCheckResult>
  > = {
    ci: () =>
      checkCi(
        {
          sha: config.sha,
          waitMs: config.ciWaitMs,
          ignore: config.ciIgnore,
          ...(config.run.runId !== undefined ? { runId: config.run.runId } : {})
        },
        {
          github: github!,
          clock: deps.clock,
          logger: deps.logger,
          ...(deps.random ? { random: deps.random } : {})
        }
      ),
    'up-to-date': () => checkUpToDate(github!, config.baseBranch, config.sha),
    security: async () =>
      assessSecurity({
        loaded: await loadScannerReports(config.security.sources, deps.files),
        failOnSeverity: config.security.failOnSeverity,
        ignores: config.security.ignores,
        today: deps.clock.date().toISOString().slice(0, 10)
      }),
    incidents: () =>
      checkIncidents(github!, {
        labels: config.incidentLabels,
        severityLabels: config.incidentSeverityLabels,
        deploying: { sha: config.sha, environment: config.environment },
        ...(config.overrideReason !== undefined ? { overrideReason: config.overrideReason } : {})
      }),
    reviewers: () =>
      checkReviewers(github!, {
        environment: config.environment,
        requirement: config.requireReviewers,
        productionLike
      }),
    'staging-verified': () => {
      if (config.stagingEnvironment === undefined)
        return skipped(
          'staging-verified',
          'staging-environment is `none`: no staging deployment is required.'
        );
      if (config.stagingEnvironment.toLowerCase() === config.environment.toLowerCase())
        return skipped('staging-verified', `The target is the staging environment itself.`);
      return checkStagingVerified(github!, {
        sha: config.sha,
        stagingEnvironment: config.stagingEnvironment
      });
    },
    secrets: () =>
      checkSecrets(deps.secrets!, {
        environment: config.environment,
        ...config.secrets,
        nowMs: deps.clock.date().getTime()
      })
  };

  const results = new Map<PreflightCheckId, PreflightCheckResult>();
  await Promise.all(
    selected
      .filter((id) => id !== 'window')
      .map(async (id) => {
        const result = await guard(id, runners[id]!);
        deps.logger.info(`${id}: ${result.status} — ${result.reason}`);
        results.set(id, result);
      })
  );
  if (selected.includes('window')) {
    const atMs = config.windowAtMs ?? deps.clock.date().getTime();
    const result = await guard('window', () =>
      checkWindow(config.window, {
        atMs,
        source: config.windowAtMs !== undefined ? 'window-at' : 'now',
        ...(config.overrideReason !== undefined ? { overrideReason: config.overrideReason } : {})
      })
    );
    deps.logger.info(`window: ${result.status} — ${result.reason}`);
    results.set('window', result);
  }

  const checks = PREFLIGHT_CHECK_IDS.map(
    (id) =>
      results.get(id) ??
      skipped(
        id,
        id === 'staging-verified' && !productionLike
          ? 'Only for production-like environments (names starting with "prod"), unless listed in `checks`.'
          : 'Not selected in `checks`.'
      )
  );
  const failedChecks = checks.filter((c) => c.status === 'fail').map((c) => c.id);
  const warnedChecks = checks.filter((c) => c.status === 'warn').map((c) => c.id);
  const passed = failedChecks.length === 0;
  const ran = checks.filter((c) => c.status !== 'skip').length;
  const short = config.sha.slice(0, 7);
  const bypassed = checks
    .filter(
      (c) =>
        (c.id === 'window' || c.id === 'incidents') &&
        (c.details as { overridden?: boolean }).overridden === true
    )
    .map((c) => c.id);
  const verdict = passed
    ? `${short} may be deployed to ${config.environment}: ${ran - warnedChecks.length} of ${ran} checks passed${
        warnedChecks.length ? `, ${warnedChecks.length} with a warning (${warnedChecks.join(', ')})` : ''
      }${bypassed.length ? `; ${bypassed.join(' and ')} overridden` : ''}.`
    : `${short} must not be deployed to ${config.environment} now: ${failedChecks.join(', ')} failed.`;
  const finishedAt = deps.clock.date();
  return {
    schema: 'preflight-validate/v1',
    passed,
    verdict,
    repository: config.run.repository,
    environment: config.environment,
    productionLike,
    sha: config.sha,
    baseBranch: config.baseBranch,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.round(deps.clock.now() - started),
    ...(config.overrideReason !== undefined
      ? {
          override: {
            reason: config.overrideReason,
            ...(config.run.actor !== undefined ? { by: config.run.actor } : {}),
            appliesTo: ['window', 'incidents'] as ['window', 'incidents'],
            bypassed
          }
        }
      : {}),
    checks,
    failedChecks,
    warnedChecks,
    nextSteps: checks.flatMap((c) =>
      (c.status === 'fail' || c.status === 'warn') && c.next ? [`${c.id}: ${c.next}`] : []
    )
  };
}
