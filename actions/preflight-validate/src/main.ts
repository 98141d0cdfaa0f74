/**
 * preflight-validate: read and check every input (including the ignore file and the holiday
 * calendar) before any request, build the dependencies, run the checks, write outputs, annotations
 * and the summary. Every decision lives in the core library.
 */
import { type GitHubSecretsClient } from '@deploy-actions/core/github';
import path from 'node:path';
import { runAction, type ActionContext } from '@deploy-actions/core/action';
import { systemClock, type Clock } from '@deploy-actions/core/clock';
import { ConfigurationError, VerdictFailure, type InputProblem } from '@deploy-actions/core/errors';
import {
  createGitHubClient,
  readGitHubRunContext,
  type GitHubClient,
  type GitHubRunContext
} from '@deploy-actions/core/github';
import { describeRoots, globOutsideRoots, isInsideRoots, readableRoots } from '@deploy-actions/core/inputs';
import {
  PREFLIGHT_API_CHECKS,
  ReportFormatError,
  createReportFileAccess,
  parseIgnoreFile,
  renderPreflightSummary,
  runPreflight,
  selectChecks,
  type IgnoreEntry,
  type PreflightConfig,
  type PreflightReport,
  type ReportFileAccess,
  type SecurityDetails
} from '@deploy-actions/core/preflight';
import {
  UnknownHolidayCalendarError,
  loadHolidayCalendar,
  zonedTimeToInstant,
  type HolidayCalendar
} from '@deploy-actions/core/window';
import { readPreflightInputs, type PreflightInputs } from './inputs.ts';

export interface PreflightDependencies {
  github?: GitHubClient;
  /** For the `secrets` check (default: a client with `secrets-token`, else `github-token`). */
  secrets?: GitHubSecretsClient;
  clock?: Clock;
  files?: ReportFileAccess;
  env?: Record<string, string | undefined>;
  /** Directory the report globs and the ignore file are relative to (default: the working directory). */
  cwd?: string;
}

/** Everything the inputs need beyond the schema: files, the calendar, the run context. */
export interface ResolvedInputs {
  inputs: PreflightInputs;
  ignores: IgnoreEntry[];
  calendar?: HolidayCalendar;
  context?: GitHubRunContext;
  sha: string;
}

const REPORT_INPUTS = ['trivy-reports', 'pip-audit-reports', 'npm-audit-reports'] as const;

/**
 * The checks the schema cannot make alone (they read a file, load calendar data or need the run's
 * variables). All problems are reported together, still before any request. Files and globs must
 * stay inside the workspace or RUNNER_TEMP (`cwd` outside a runner).
 */
export async function resolveInputs(
  inputs: PreflightInputs,
  files: ReportFileAccess,
  env: Record<string, string | undefined>,
  cwd: string = process.cwd()
): Promise<ResolvedInputs> {
  const problems: InputProblem[] = [];
  const roots = readableRoots(env, cwd);
  for (const input of REPORT_INPUTS) {
    for (const pattern of inputs[input] ?? []) {
      const outside = globOutsideRoots(pattern, cwd, roots);
      if (outside) {
        problems.push({
          input,
          shownValue: JSON.stringify(pattern),
          expected: `globs of report files inside ${describeRoots(roots)} (${outside})`
        });
      }
    }
  }
  let ignores: IgnoreEntry[] = [];
  const ignoreFile = inputs['vuln-ignore-file'];
  if (ignoreFile !== undefined && !isInsideRoots(path.resolve(cwd, ignoreFile), roots)) {
    problems.push({
      input: 'vuln-ignore-file',
      shownValue: JSON.stringify(ignoreFile),
      expected: `a YAML file inside ${describeRoots(roots)} (${path.resolve(cwd, ignoreFile)} is outside)`
    });
  } else if (ignoreFile !== undefined) {
    try {
      ignores = await parseIgnoreFile(await files.readFile(ignoreFile));
    } catch (error) {
      const reason =
        error instanceof ReportFormatError
          ? error.message
          : `the file cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
      problems.push({
        input: 'vuln-ignore-file',
        shownValue: JSON.stringify(ignoreFile),
        expected: `a YAML list of {id, reason, expires: YYYY-MM-DD} entries, each with a reason and an expiry (${reason})`
      });
    }
  }
  let calendar: HolidayCalendar | undefined;
  const code = inputs['holiday-calendar'];
  if (code !== undefined) {
    try {
      calendar = await loadHolidayCalendar(code);
    } catch (error) {
      if (!(error instanceof UnknownHolidayCalendarError)) throw error;
      problems.push({
        input: 'holiday-calendar',
        shownValue: JSON.stringify(code),
        expected: `a known country or region code: ${error.expected}`
      });
    }
  }
  const needsGitHub = selectChecks({ checks: inputs.checks, environment: inputs.environment }).some((id) =>
    PREFLIGHT_API_CHECKS.includes(id)
  );
  const needsSecrets = inputs.checks.includes('secrets');
  let context: GitHubRunContext | undefined;
  try {
    context = readGitHubRunContext(env);
  } catch (error) {
    if (needsGitHub || needsSecrets)
      throw new ConfigurationError(error instanceof Error ? error.message : String(error));
  }
  if (needsSecrets && inputs['secrets-token'] === undefined && inputs['github-token'] === undefined) {
    problems.push({
      input: 'secrets-token',
      shownValue: 'nothing',
      expected:
        'a token that may read secret metadata (fine-grained: "Secrets" and "Environments" read; classic: repo scope) for the secrets check'
    });
  }
  if (needsGitHub && inputs['github-token'] === undefined) {
    problems.push({
      input: 'github-token',
      shownValue: 'nothing',
      expected: `a token: the checks ${selectChecks(inputs)
        .filter((id) => PREFLIGHT_API_CHECKS.includes(id))
        .join(', ')} read the GitHub API`
    });
  }
  const sha = inputs.sha ?? context?.sha;
  if (sha === undefined || !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)) {
    problems.push({
      input: 'sha',
      shownValue: sha === undefined ? 'nothing' : JSON.stringify(sha),
      expected: 'a full commit sha of 40 hexadecimal characters (or GITHUB_SHA set)'
    });
  }
  if (problems.length > 0) {
    const lines = problems.map((p) => `Input \`${p.input}\`: got ${p.shownValue}; expected ${p.expected}`);
    throw new ConfigurationError(
      problems.length === 1 ? lines[0]! : `${problems.length} inputs are invalid:\n${lines.join('\n')}`,
      problems
    );
  }
  return { inputs, ignores, ...(calendar ? { calendar } : {}), ...(context ? { context } : {}), sha: sha! };
}

/** Maps the resolved inputs onto the core configuration. */
export function toPreflightConfig(resolved: ResolvedInputs): PreflightConfig {
  const { inputs, context } = resolved;
  const windowAt = inputs['window-at'];
  const stagingEnvironment = inputs['staging-environment'];
  const sources = (
    [
      ['trivy', 'trivy-reports'],
      ['pip-audit', 'pip-audit-reports'],
      ['npm-audit', 'npm-audit-reports']
    ] as const
  ).flatMap(([tool, input]) => (inputs[input]?.length ? [{ tool, input, patterns: inputs[input]! }] : []));
  return {
    environment: inputs.environment,
    sha: resolved.sha,
    baseBranch: inputs['base-branch'],
    checks: inputs.checks,
    ciWaitMs: inputs['ci-wait'],
    ciIgnore: inputs['ci-ignore'] ?? [],
    security: { sources, failOnSeverity: inputs['fail-on-severity'], ignores: resolved.ignores },
    incidentLabels: inputs['incident-labels'],
    incidentSeverityLabels: inputs['incident-severity-labels'],
    window: {
      timeZone: inputs.timezone,
      freezeWindows: inputs['freeze-windows'],
      holidays: inputs.holidays ?? [],
      ...(resolved.calendar ? { calendar: resolved.calendar } : {})
    },
    ...(windowAt !== undefined
      ? {
          windowAtMs:
            'instantMs' in windowAt
              ? windowAt.instantMs
              : zonedTimeToInstant(windowAt.date, windowAt.minuteOfDay, inputs.timezone)
        }
      : {}),
    ...(inputs['override-reason'] !== undefined ? { overrideReason: inputs['override-reason'] } : {}),
    requireReviewers: inputs['require-reviewers'],
    ...(stagingEnvironment !== null ? { stagingEnvironment } : {}),
    secrets: {
      settleMs: inputs['secrets-settle'],
      maxAgeMs: inputs['secrets-max-age'],
      token: inputs['secrets-token'] !== undefined ? 'secrets-token' : 'github-token'
    },
    run: {
      repository: context ? `${context.repository.owner}/${context.repository.repo}` : '(unknown repository)',
      ...(context?.runId !== undefined ? { runId: context.runId } : {}),
      ...(context?.actor !== undefined ? { actor: context.actor } : {})
    }
  };
}

/** Sets every output of the contract. */
export function writePreflightOutputs(context: ActionContext, report: PreflightReport): void {
  context.setOutput('passed', report.passed);
  context.setOutput('failed-checks', report.failedChecks.join(','));
  context.setOutput('report', JSON.stringify(report));
}

/** One annotation per failed (error) or warned (warning) check, and per expired ignore entry. */
export function annotatePreflight(
  context: ActionContext,
  report: PreflightReport,
  ignoreFile: string | undefined
): void {
  for (const check of report.checks) {
    if (check.status === 'fail')
      context.annotate('error', check.reason, { title: `preflight-validate: ${check.id}` });
    if (check.status === 'warn')
      context.annotate('warning', check.reason, { title: `preflight-validate: ${check.id}` });
  }
  const security = report.checks.find((c) => c.id === 'security')?.details as
    Partial<SecurityDetails> | undefined;
  for (const entry of security?.expiredIgnores ?? []) {
    context.annotate(
      entry.matched ? 'error' : 'warning',
      `Ignore entry ${entry.id} expired on ${entry.expires}${entry.matched ? ': its finding counts again' : ' and matches nothing: remove it'} (${entry.reason})`,
      {
        title: 'preflight-validate: expired ignore entry',
        ...(ignoreFile ? { file: ignoreFile, line: entry.line } : {})
      }
    );
  }
}

export async function runWith(context: ActionContext, deps: PreflightDependencies = {}): Promise<void> {
  const inputs = readPreflightInputs(
    (name) => context.getInput(name),
    (value) => context.setSecret(value)
  );
  const cwd = deps.cwd ?? process.cwd();
  const env = deps.env ?? process.env;
  const files = deps.files ?? createReportFileAccess(cwd, readableRoots(env, cwd));
  const resolved = await resolveInputs(inputs, files, env, cwd);
  const config = toPreflightConfig(resolved);
  const clock = deps.clock ?? systemClock;

  let github = deps.github;
  if (!github && selectChecks(config).some((id) => PREFLIGHT_API_CHECKS.includes(id))) {
    const run = resolved.context!;
    github = await createGitHubClient({
      token: inputs['github-token']!,
      repository: run.repository,
      baseUrl: run.apiUrl,
      userAgent: 'deploy-actions/preflight-validate',
      logger: context.logger
    });
  }
  let secrets = deps.secrets;
  if (!secrets && selectChecks(config).includes('secrets')) {
    const run = resolved.context!;
    secrets = await createGitHubClient({
      // GitHub's own token cannot read secret metadata; without secrets-token it is tried anyway
      // so the 403 can say which permission is missing.
      token: inputs['secrets-token'] ?? inputs['github-token']!,
      repository: run.repository,
      baseUrl: run.apiUrl,
      userAgent: 'deploy-actions/preflight-validate',
      logger: context.logger
    });
  }
  const report = await runPreflight(config, {
    ...(github ? { github } : {}),
    ...(secrets ? { secrets } : {}),
    clock,
    logger: context.logger,
    files
  });
  writePreflightOutputs(context, report);
  annotatePreflight(context, report, inputs['vuln-ignore-file']);
  await context.writeSummary(renderPreflightSummary(report));
  if (!report.passed) throw new VerdictFailure(report.verdict);
}

/**
 * The entry, with no arguments as `@github/local-action` calls it: the runner's context and the
 * real dependencies. Tests call runWith with their own.
 */
export async function run(): Promise<void> {
  await runAction('preflight-validate', (context) => runWith(context));
}
