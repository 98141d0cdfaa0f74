const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const ORDER = ['d', 'h', 'm', 's', 'ms'];
const PART = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/gy;

/** What a duration input accepts, for error messages. */
export const DURATION_HINT = 'a duration such as 500ms, 30s, 5m, 1h or 1h30m (a bare number is seconds)';

/**
 * Parses `500ms`, `30s`, `5m`, `1h`, `1h30m`, `90d` (units largest first, each at most once) or a bare
 * number of seconds into milliseconds. Returns `undefined` for anything else, including negative
 * values, so the caller can say what was expected.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  if (value === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let lastUnit = -1;
  let consumed = 0;
  for (let match = PART.exec(value); match; match = PART.exec(value)) {
    const unitIndex = ORDER.indexOf(match[2]!);
    if (unitIndex <= lastUnit) return undefined;
    lastUnit = unitIndex;
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed = PART.lastIndex;
  }
  return consumed === value.length ? Math.round(total) : undefined;
}

/** Formats milliseconds the way people write durations: `850ms`, `2.5s`, `4m`, `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))}s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('');
}
