import { HttpRequestError, errorMessage } from '../errors.ts';
import type { HttpClient } from '../http/client.ts';
import { interpretAnswer, type ComponentCheck, type EndpointAnswer } from './responses.ts';

/** What the gate requires of the service. */
export interface ProbeTarget {
  /** Base URL without a trailing slash. */
  url: string;
  healthPath: string;
  /** Undefined disables the readiness check. */
  readyPath?: string;
  expectedVersion?: string;
  expectedSha?: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** One endpoint's raw result: an answer or a transport failure. */
export type EndpointResult =
  | { kind: 'answer'; httpStatus: number; latencyMs: number; answer: EndpointAnswer }
  | { kind: 'error'; error: string; errorKind: HttpRequestError['kind']; latencyMs: number };

export interface ProbeObservation {
  health: EndpointResult;
  ready?: EndpointResult;
}

/** A named check within one probe; `failed-checks` and the summary are built from these. */
export interface CheckResult {
  name: string;
  status: 'pass' | 'warn' | 'fail';
  detail: string;
  /** What kind of failure, so the summary can say what to look at next. */
  cause?:
    | 'refused'
    | 'reset'
    | 'timeout'
    | 'dns'
    | 'network'
    | 'http'
    | 'body'
    | 'version'
    | 'dependency'
    | 'status';
}

/**
 * `pass`: every check passes. `pending`: the service is healthy but still reports another
 * version (an old instance answering during a rollout) — it does not count as a failure, but it
 * breaks the success streak. `fail`: anything else.
 */
export type ProbeOutcome = 'pass' | 'pending' | 'fail';

export interface ProbeVerdict {
  outcome: ProbeOutcome;
  checks: CheckResult[];
  /** Readiness dependencies as the service reported them. */
  dependencies: ComponentCheck[];
  version?: string;
  gitSha?: string;
  uptimeSeconds?: number;
  /** One line for logs and the timeline. */
  summary: string;
}

/** Requests /health and /ready in parallel, each with its own timeout and `Cache-Control: no-cache`. */
export async function observeProbe(
  target: ProbeTarget,
  http: HttpClient,
  timeoutMs = target.timeoutMs
): Promise<ProbeObservation> {
  const headers = {
    accept: 'application/health+json, application/json;q=0.9, */*;q=0.1',
    ...target.headers,
    'cache-control': 'no-cache'
  };
  const fetchEndpoint = async (path: string): Promise<EndpointResult> => {
    try {
      const response = await http.request({ url: `${target.url}${path}`, headers, timeoutMs });
      return {
        kind: 'answer',
        httpStatus: response.status,
        latencyMs: response.latencyMs,
        answer: interpretAnswer(response.status, response.body)
      };
    } catch (error) {
      if (error instanceof HttpRequestError) {
        return { kind: 'error', error: error.message, errorKind: error.kind, latencyMs: error.latencyMs };
      }
      return { kind: 'error', error: errorMessage(error), errorKind: 'network', latencyMs: 0 };
    }
  };
  const [health, ready] = await Promise.all([
    fetchEndpoint(target.healthPath),
    target.readyPath === undefined ? Promise.resolve(undefined) : fetchEndpoint(target.readyPath)
  ]);
  return ready ? { health, ready } : { health };
}

/** Decides a probe from its observation: pure, so every rule is tested as data. */
export function assessProbe(target: ProbeTarget, observation: ProbeObservation): ProbeVerdict {
  const checks: CheckResult[] = [];
  const health = observation.health;
  checks.push(endpointCheck('health', target.healthPath, health));
  const reported = health.kind === 'answer' ? health.answer : undefined;
  let mismatch = false;

  if (target.expectedVersion !== undefined) {
    const check = compareVersion(target.expectedVersion, reported);
    mismatch ||= check.cause === 'version';
    checks.push(check);
  }
  if (target.expectedSha !== undefined) {
    const check = compareSha(target.expectedSha, reported);
    mismatch ||= check.cause === 'version';
    checks.push(check);
  }

  let dependencies: ComponentCheck[] = [];
  if (observation.ready && target.readyPath !== undefined) {
    const ready = observation.ready;
    checks.push(endpointCheck('ready', target.readyPath, ready));
    if (ready.kind === 'answer') {
      dependencies = ready.answer.checks;
      for (const dep of dependencies.filter((d) => d.status === 'fail')) {
        checks.push({ name: dep.name, status: 'fail', detail: dep.error ?? 'failing', cause: 'dependency' });
      }
    }
  }

  const failing = checks.filter((c) => c.status === 'fail');
  const onlyMismatch = failing.length > 0 && failing.every((c) => c.cause === 'version') && mismatch;
  const outcome: ProbeOutcome = failing.length === 0 ? 'pass' : onlyMismatch ? 'pending' : 'fail';
  // A refused value nobody expected warns under its own name (an expected one already failed).
  const refused = reported?.refused ?? [];
  for (const { field, reason } of refused) {
    const name = field === 'version' ? 'version' : 'git-sha';
    if (!checks.some((check) => check.name === name)) {
      checks.push({ name, status: 'warn', detail: reason, cause: 'body' });
    }
  }
  const summary =
    failing.length === 0
      ? `healthy${reported?.version ? `, version ${reported.version}` : ''}${refused.map(({ reason }) => `; ${reason}`).join('')}`
      : failing.map((c) => `${c.name}: ${c.detail}`).join('; ');
  return {
    outcome,
    checks,
    dependencies,
    ...(reported?.version !== undefined ? { version: reported.version } : {}),
    ...(reported?.gitSha !== undefined ? { gitSha: reported.gitSha } : {}),
    ...(reported?.uptimeSeconds !== undefined ? { uptimeSeconds: reported.uptimeSeconds } : {}),
    summary
  };
}

function endpointCheck(name: string, path: string, result: EndpointResult): CheckResult {
  if (result.kind === 'error') {
    return {
      name,
      status: 'fail',
      detail: `GET ${path}: ${result.error}`,
      cause: result.errorKind === 'too-large' ? 'body' : result.errorKind
    };
  }
  const { answer, httpStatus } = result;
  if (answer.status === 'pass') return { name, status: 'pass', detail: `HTTP ${httpStatus}` };
  if (answer.status === 'warn')
    return { name, status: 'warn', detail: `HTTP ${httpStatus}, ${answer.problem ?? 'warn'}` };
  const cause =
    httpStatus < 200 || httpStatus >= 300
      ? 'http'
      : answer.problem?.includes('not JSON') || answer.problem?.includes('body')
        ? 'body'
        : 'status';
  return { name, status: 'fail', detail: `GET ${path} ${answer.problem ?? `HTTP ${httpStatus}`}`, cause };
}

/** Versions match exactly, ignoring a leading `v` (`v1.4.0` is `1.4.0`). */
export function versionsMatch(expected: string, reported: string): boolean {
  const normalize = (v: string) => v.trim().replace(/^v(?=\d)/i, '');
  return normalize(expected) === normalize(reported);
}

/** Shas match when the shorter, of at least 7 characters, is a prefix of the longer (case-insensitive). */
export function shasMatch(expected: string, reported: string): boolean {
  const a = expected.trim().toLowerCase();
  const b = reported.trim().toLowerCase();
  const shorter = a.length <= b.length ? a : b;
  const longer = a.length <= b.length ? b : a;
  return shorter.length >= 7 && longer.startsWith(shorter);
}

function compareVersion(expected: string, answer: EndpointAnswer | undefined): CheckResult {
  if (!answer)
    return { name: 'version', status: 'fail', detail: 'unknown: /health did not answer', cause: 'status' };
  if (answer.version === undefined) {
    const refused = answer.refused?.find(({ field }) => field === 'version');
    return {
      name: 'version',
      status: 'fail',
      detail: `expected ${expected}, but ${refused?.reason ?? '/health reports no version'}`,
      cause: 'body'
    };
  }
  return versionsMatch(expected, answer.version)
    ? { name: 'version', status: 'pass', detail: answer.version }
    : {
        name: 'version',
        status: 'fail',
        detail: `reports ${answer.version}, expected ${expected}`,
        cause: 'version'
      };
}

function compareSha(expected: string, answer: EndpointAnswer | undefined): CheckResult {
  if (!answer)
    return { name: 'git-sha', status: 'fail', detail: 'unknown: /health did not answer', cause: 'status' };
  if (answer.gitSha === undefined) {
    const refused = answer.refused?.find(({ field }) => field === 'git_sha');
    return {
      name: 'git-sha',
      status: 'fail',
      detail: `expected ${expected.slice(0, 12)}, but ${refused?.reason ?? '/health reports no git_sha'}`,
      cause: 'body'
    };
  }
  return shasMatch(expected, answer.gitSha)
    ? { name: 'git-sha', status: 'pass', detail: answer.gitSha.slice(0, 12) }
    : {
        name: 'git-sha',
        status: 'fail',
        detail: `reports ${answer.gitSha.slice(0, 12)}, expected ${expected.slice(0, 12)}`,
        cause: 'version'
      };
}
