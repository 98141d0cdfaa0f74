/**
 * Is a deploy allowed at an instant? Pure: the freeze rules, the explicit holidays and an optional
 * public-holiday calendar are data, the instant is an argument.
 *
 * Semantics (docs/adrs/0005): every rule is local wall-clock time in `timeZone`. An instant is
 * blocked when its local weekday and time fall inside a freeze segment `[start, end)`, or its local
 * date is an explicit holiday or a public holiday of the calendar. Across daylight saving changes
 * this means: in the repeated hour (clocks go back) both occurrences are judged by the same wall
 * time; the skipped hour (clocks go forward) never happens, so a window that ends inside it ends at
 * the moment of the change.
 */
import { matchingFreezeRules, type FreezeRule } from './freeze-windows.ts';
import { explicitHolidayOn, type HolidayRange, type HolidayCalendar } from './holidays.ts';
import {
  WEEKDAY_NAMES,
  addCalendarDays,
  formatZoned,
  zonedParts,
  zonedTimeToInstant,
  type ZonedParts
} from './zoned-time.ts';

export interface WindowConfig {
  timeZone: string;
  freezeWindows: readonly FreezeRule[];
  holidays: readonly HolidayRange[];
  calendar?: HolidayCalendar;
}

/** Why an instant is blocked: one entry per rule, date or holiday that covers it. */
export interface WindowBlock {
  kind: 'freeze-window' | 'holiday' | 'public-holiday';
  /** The rule or date as the user wrote it, or the holiday's name. */
  rule: string;
  /** Instant at which this block ends (its local end converted to UTC). */
  endsAtMs: number;
}

export interface WindowEvaluation {
  blocked: boolean;
  atMs: number;
  /** The instant in local time, e.g. `Fri 2026-03-06 16:00 EST`. */
  local: string;
  blocks: WindowBlock[];
  /** When blocked: the first instant after `atMs` at which nothing blocks (undefined if none within a year). */
  reopensAtMs?: number;
}

const MAX_REOPEN_STEPS = 800;
const YEAR_MS = 366 * 86_400_000;

/** Whether anything blocks deploys at the local time `local` (no end times: cheap, for scans). */
export function isBlockedLocally(config: WindowConfig, local: ZonedParts): boolean {
  return (
    matchingFreezeRules(config.freezeWindows, local.weekday, local.minuteOfDay).length > 0 ||
    explicitHolidayOn(config.holidays, local.date) !== undefined ||
    config.calendar?.holidayOn(local.date) !== undefined
  );
}

/** The blocks that cover instant `atMs` (empty when a deploy is allowed). */
export function windowBlocksAt(config: WindowConfig, atMs: number): WindowBlock[] {
  const local = zonedParts(atMs, config.timeZone);
  if (!isBlockedLocally(config, local)) return [];
  const blocks: WindowBlock[] = [];
  const nextMidnight = () => zonedTimeToInstant(addCalendarDays(local.date, 1), 0, config.timeZone);
  for (const { rule, segment } of matchingFreezeRules(
    config.freezeWindows,
    local.weekday,
    local.minuteOfDay
  )) {
    blocks.push({
      kind: 'freeze-window',
      rule: rule.text,
      endsAtMs: zonedTimeToInstant(local.date, segment.end, config.timeZone)
    });
  }
  const explicit = explicitHolidayOn(config.holidays, local.date);
  if (explicit) blocks.push({ kind: 'holiday', rule: explicit.text, endsAtMs: nextMidnight() });
  const publicHoliday = config.calendar?.holidayOn(local.date);
  if (publicHoliday !== undefined) {
    blocks.push({
      kind: 'public-holiday',
      rule: `${publicHoliday} (${config.calendar!.code})`,
      endsAtMs: nextMidnight()
    });
  }
  return blocks;
}

/**
 * Evaluates the window at `atMs` and, when blocked, finds when it reopens by jumping to the end
 * of the latest covering block until nothing covers the instant (Friday evening → Saturday →
 * Sunday → Monday 00:00).
 */
export function evaluateWindow(config: WindowConfig, atMs: number): WindowEvaluation {
  const blocks = windowBlocksAt(config, atMs);
  const evaluation: WindowEvaluation = {
    blocked: blocks.length > 0,
    atMs,
    local: formatZoned(atMs, config.timeZone),
    blocks
  };
  if (!evaluation.blocked) return evaluation;
  let at = atMs;
  let covering = blocks;
  for (let step = 0; step < MAX_REOPEN_STEPS && at - atMs <= YEAR_MS; step++) {
    // Always move forward, even if a block's end maps onto the same instant.
    at = Math.max(at + 60_000, ...covering.map((b) => b.endsAtMs));
    covering = windowBlocksAt(config, at);
    if (covering.length === 0) return { ...evaluation, reopensAtMs: at };
  }
  return evaluation;
}

/** One local day of the week chart: 24 cells, one per hour. */
export interface FreezeWeekRow {
  date: string;
  weekday: string;
  /** `█` blocked all hour, `▒` part of it, `·` open, ` ` the hour does not exist (DST gap). */
  cells: string;
}

/**
 * The local week (Monday to Sunday) around `atMs` as a chart of blocked hours, sampled every 15
 * minutes, for the job summary.
 */
export function freezeWeekChart(config: WindowConfig, atMs: number): FreezeWeekRow[] {
  const local = zonedParts(atMs, config.timeZone);
  const monday = addCalendarDays(local.date, -((local.weekday + 6) % 7));
  const dates = Array.from({ length: 7 }, (_, d) => addCalendarDays(monday, d));
  // Per local date and hour: [quarters seen, quarters blocked]. Walking real instants in 15-minute
  // steps visits each existing local quarter-hour (twice for a repeated hour, never for a skipped one).
  const tally = new Map<string, [number, number]>();
  const end = zonedTimeToInstant(addCalendarDays(monday, 7), 0, config.timeZone);
  for (let at = zonedTimeToInstant(monday, 0, config.timeZone); at < end; at += 15 * 60_000) {
    const parts = zonedParts(at, config.timeZone);
    const key = `${parts.date} ${parts.hour}`;
    const counts = tally.get(key) ?? [0, 0];
    counts[0]++;
    if (isBlockedLocally(config, parts)) counts[1]++;
    tally.set(key, counts);
  }
  return dates.map((date, d) => {
    let cells = '';
    for (let hour = 0; hour < 24; hour++) {
      const [seen, blocked] = tally.get(`${date} ${hour}`) ?? [0, 0];
      cells += seen === 0 ? ' ' : blocked === seen ? '█' : blocked === 0 ? '·' : '▒';
    }
    return { date, weekday: WEEKDAY_NAMES[(1 + d) % 7]!, cells };
  });
}

/**
 * The first instant after `atMs`, within `horizonMs`, at which something blocks deploys: scanned
 * every 15 minutes, then refined to the minute. Undefined when nothing blocks within the horizon.
 */
export function nextBlockedAt(
  config: WindowConfig,
  atMs: number,
  horizonMs = 7 * 86_400_000
): number | undefined {
  const step = 15 * 60_000;
  const minute = 60_000;
  // Start on a whole minute: rules have minute resolution.
  const start = Math.floor(atMs / minute) * minute + minute;
  for (let coarse = start; coarse <= atMs + horizonMs; coarse += step) {
    if (!isBlockedLocally(config, zonedParts(coarse, config.timeZone))) continue;
    for (let fine = Math.max(start, coarse - step + minute); fine <= coarse; fine += minute) {
      if (isBlockedLocally(config, zonedParts(fine, config.timeZone))) return fine;
    }
  }
  return undefined;
}
