/**
 * PromQL query templates and extra-check lines: parsing and filling in the placeholders. Pure.
 */

/** `{{track}}` becomes `canary` or `stable`; `{{interval}}` the measurement window (`30s`). */
export const PLACEHOLDERS = ['track', 'interval'] as const;

/** Requests answered by the track in the window (the example app's metric names). */
export const DEFAULT_REQUESTS_QUERY =
  'sum(increase(http_requests_total{track="{{track}}"}[{{interval}}])) or vector(0)';

/** The share (0-1) of those requests answered with a 5xx. */
export const DEFAULT_ERROR_RATE_QUERY =
  '(sum(increase(http_requests_total{track="{{track}}",status=~"5.."}[{{interval}}])) or vector(0))' +
  ' / sum(increase(http_requests_total{track="{{track}}"}[{{interval}}]))';

/** p99 latency in seconds, from the latency histogram. */
export const DEFAULT_LATENCY_P99_QUERY =
  'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{track="{{track}}"}[{{interval}}])))';

/** What a query template input accepts, for error messages. */
export const TEMPLATE_HINT =
  'a PromQL query with {{track}} where the track label goes (and optionally {{interval}} for the window), on one line';

/**
 * Checks a query template: one line, `{{track}}` present (a query that cannot tell the tracks
 * apart would compare a version with itself), and no placeholder other than the known ones.
 */
export function parseQueryTemplate(
  text: string,
  options: { requireTrack?: boolean } = {}
): string | undefined {
  const value = text.trim();
  if (value === '' || value.includes('\n')) return undefined;
  for (const match of value.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(match[1]!)) return undefined;
  }
  if ((options.requireTrack ?? true) && !/\{\{\s*track\s*\}\}/.test(value)) return undefined;
  return value;
}

/** Prometheus' duration syntax for a window: whole seconds as `30s`, otherwise milliseconds. */
export function promDuration(ms: number): string {
  const rounded = Math.max(1, Math.round(ms));
  return rounded % 1000 === 0 ? `${rounded / 1000}s` : `${rounded}ms`;
}

/** The template with its placeholders filled in. */
export function fillTemplate(template: string, values: { track: string; intervalMs: number }): string {
  return template
    .replace(/\{\{\s*track\s*\}\}/g, values.track)
    .replace(/\{\{\s*interval\s*\}\}/g, promDuration(values.intervalMs));
}

export type ComparisonOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** One extra check: the canary's value of `query` must satisfy `operator threshold`. */
export interface ExtraCheck {
  name: string;
  query: string;
  operator: ComparisonOperator;
  threshold: number;
}

/** What an extra-checks line looks like, for error messages. */
export const EXTRA_CHECK_HINT =
  'one check a line: `name: <PromQL> <op> <number>` with op one of < <= > >= == !=, e.g. `checkout-rate: sum(rate(checkouts_total{track="{{track}}"}[{{interval}}])) > 0.5`';

const EXTRA_LINE =
  /^([A-Za-z][\w.-]{0,62})\s*:\s*(.+?)\s*(<=|>=|==|!=|<|>)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*$/;

/**
 * Parses `name: <PromQL> <op> <number>`. The comparison is the last operator on the line, so the
 * query itself may compare (`… > 0 > 5` checks `… > 0` against 5). `{{track}}` is optional here:
 * a check on a resource metric may select the canary by its own labels.
 */
export function parseExtraCheckLine(line: string): ExtraCheck | undefined {
  const match = EXTRA_LINE.exec(line.trim());
  if (!match) return undefined;
  const query = parseQueryTemplate(match[2]!, { requireTrack: false });
  if (query === undefined) return undefined;
  return {
    name: match[1]!,
    query,
    operator: match[3] as ComparisonOperator,
    threshold: Number(match[4])
  };
}

/** Whether `value operator threshold` holds. */
export function holdsComparison(value: number, operator: ComparisonOperator, threshold: number): boolean {
  switch (operator) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}
