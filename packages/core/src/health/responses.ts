/**
 * Pure interpretation of /health and /ready answers. Accepts the contract's JSON
 * (`{status, version, git_sha, uptime_seconds}`, `{status, checks:[{name,status,latency_ms,error}]}`)
 * and the IETF `application/health+json` form (`pass`/`warn`/`fail`, `checks` keyed by component).
 */
import { neutralise } from '../logger.ts';
import { shorten } from '../text.ts';

export type ComponentStatus = 'pass' | 'warn' | 'fail';

export interface ComponentCheck {
  name: string;
  status: ComponentStatus;
  error?: string;
  latencyMs?: number;
}

export interface EndpointAnswer {
  status: ComponentStatus;
  /** Why it is not `pass`, in words a person acts on. */
  problem?: string;
  version?: string;
  gitSha?: string;
  uptimeSeconds?: number;
  /** Per-dependency results, when the body lists them (names and errors neutralised). */
  checks: ComponentCheck[];
  /**
   * Why a reported version or git_sha was refused (it has characters no version or commit id
   * has): such a value never becomes an output or reaches the log as it was sent.
   */
  refused?: RefusedField[];
}

export interface RefusedField {
  field: 'version' | 'git_sha';
  /** Why, with the value neutralised, for people. */
  reason: string;
}

/** What a version or a commit id may hold: letters, digits, `.`, `_`, `+`, `~`, `-`. */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,127}$/;
const IDENTIFIER_RULE = 'letters, digits, . _ + ~ - (at most 128, starting with a letter or digit)';

const PASS_WORDS = new Set(['ok', 'pass', 'passed', 'healthy', 'up', 'ready', 'green', 'success']);
const WARN_WORDS = new Set(['warn', 'warning', 'degraded']);

/** Maps the many status words services use onto pass/warn/fail; unknown words fail. */
export function normalizeStatus(value: unknown): ComponentStatus | undefined {
  if (typeof value === 'boolean') return value ? 'pass' : 'fail';
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (PASS_WORDS.has(word)) return 'pass';
  if (WARN_WORDS.has(word)) return 'warn';
  return 'fail';
}

/**
 * Interprets one endpoint's answer. A 2xx with a passing (or absent) status passes; any other
 * HTTP status fails; a body that is not a JSON object fails, because nothing about the version or
 * the dependencies can then be known.
 */
export function interpretAnswer(httpStatus: number, body: string): EndpointAnswer {
  let json: unknown;
  let parseError: string | undefined;
  try {
    json = body.trim() === '' ? undefined : JSON.parse(body);
  } catch (error) {
    // Parser messages can quote the body, new lines included: keep them on one line.
    parseError = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
  }
  const object =
    json !== null && typeof json === 'object' && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined;
  const checks = object ? readChecks(object.checks) : [];
  const fields = object ? readFields(object) : {};
  const failing = checks.filter((c) => c.status === 'fail');
  const failingText = failing.map((c) => `${c.name}: ${c.error ?? 'failing'}`).join('; ');

  if (httpStatus < 200 || httpStatus >= 300) {
    const detail =
      failingText || (object ? describeStatus(object.status) : parseError ? 'body is not JSON' : '');
    return {
      status: 'fail',
      problem: `HTTP ${httpStatus}${detail ? ` (${detail})` : ''}`,
      checks,
      ...fields
    };
  }
  if (!object) {
    const problem =
      parseError !== undefined
        ? `answered HTTP ${httpStatus} but the body is not JSON (${shorten(parseError, 80)}): ${quoteBody(body)}`
        : json === undefined
          ? `answered HTTP ${httpStatus} with an empty body; a JSON object with a status was expected`
          : `answered HTTP ${httpStatus} with JSON that is not an object: ${quoteBody(body)}`;
    return { status: 'fail', problem, checks };
  }
  // A status that is present but neither a word nor a boolean (null, a number) is unreadable: fail.
  const declared = object.status === undefined ? undefined : (normalizeStatus(object.status) ?? 'fail');
  if (declared === 'fail') {
    return {
      status: 'fail',
      problem: `reports status ${JSON.stringify(object.status)}${failingText ? ` (${failingText})` : ''}`,
      checks,
      ...fields
    };
  }
  // No status field: the 2xx itself is the signal (many services answer `{"version": ...}` only).
  const status: ComponentStatus = declared ?? 'pass';
  return {
    status,
    ...(status === 'warn' ? { problem: `reports status ${JSON.stringify(object.status)}` } : {}),
    checks,
    ...fields
  };
}

function readFields(
  object: Record<string, unknown>
): Pick<EndpointAnswer, 'version' | 'gitSha' | 'uptimeSeconds' | 'refused'> {
  const refused: RefusedField[] = [];
  const identifier = (field: RefusedField['field'], value: unknown) => {
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    const text = String(value);
    if (IDENTIFIER.test(text)) return text;
    refused.push({
      field,
      reason: `/health reports a ${field} that is not one (${JSON.stringify(neutralise(shorten(text, 60)))}); expected ${IDENTIFIER_RULE}`
    });
    return undefined;
  };
  const version = identifier('version', object.version);
  const gitSha = identifier('git_sha', object.git_sha ?? object.gitSha ?? object.commit ?? object.releaseId);
  const uptime = object.uptime_seconds ?? object.uptimeSeconds ?? object.uptime;
  return {
    ...(version !== undefined ? { version } : {}),
    ...(gitSha !== undefined ? { gitSha } : {}),
    ...(typeof uptime === 'number' && Number.isFinite(uptime) ? { uptimeSeconds: uptime } : {}),
    ...(refused.length > 0 ? { refused } : {})
  };
}

/** Reads `checks` as the contract's array or the IETF object keyed by `component:measure`. */
function readChecks(value: unknown): ComponentCheck[] {
  if (Array.isArray(value)) {
    return value.flatMap((entry, index) => {
      if (entry === null || typeof entry !== 'object') return [];
      const item = entry as Record<string, unknown>;
      const name = typeof item.name === 'string' ? neutralise(item.name) : `check ${index + 1}`;
      return [toCheck(name, item)];
    });
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, entries]) => {
      const list = Array.isArray(entries) ? entries : [entries];
      return list
        .filter((entry): entry is Record<string, unknown> => entry !== null && typeof entry === 'object')
        .map((item) =>
          toCheck(
            neutralise(typeof item.componentId === 'string' ? `${key} (${item.componentId})` : key),
            item
          )
        );
    });
  }
  return [];
}

function toCheck(name: string, item: Record<string, unknown>): ComponentCheck {
  const status = normalizeStatus(item.status) ?? 'fail';
  const error = item.error ?? item.output ?? item.message;
  const latency = item.latency_ms ?? item.latencyMs;
  return {
    name,
    status,
    ...(typeof error === 'string' && error !== ''
      ? { error: neutralise(error) }
      : status === 'fail'
        ? { error: describeStatus(item.status) }
        : {}),
    ...(typeof latency === 'number' ? { latencyMs: latency } : {})
  };
}

function describeStatus(value: unknown): string {
  return value === undefined ? '' : `status ${JSON.stringify(value)}`;
}

function quoteBody(body: string): string {
  return JSON.stringify(shorten(body.replace(/\s+/g, ' ').trim(), 60));
}
