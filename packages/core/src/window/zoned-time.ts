/**
 * Wall-clock time in an IANA time zone, from the runtime's own time zone database (Intl). Freeze
 * windows are written in local wall-clock time, so every decision goes through these two
 * conversions: instant → local parts, and local parts → instant (with daylight saving gaps and
 * overlaps resolved explicitly).
 */

/** A local date and time in some zone; `weekday` is 0 for Sunday to 6 for Saturday. */
export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  /** `YYYY-MM-DD` */
  date: string;
  /** Minutes since local midnight, 0 to 1439. */
  minuteOfDay: number;
}

export const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric'
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime knows `timeZone` as an IANA zone name (or UTC). */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === '' || timeZone !== timeZone.trim()) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** `YYYY-MM-DD` of a calendar date. */
export function calendarDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The local date and time of instant `ms` in `timeZone`. */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const values: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') values[part.type] = Number(part.value);
  }
  const year = values.year!;
  const month = values.month!;
  const day = values.day!;
  const hour = values.hour!;
  const minute = values.minute!;
  return {
    year,
    month,
    day,
    hour,
    minute,
    second: values.second!,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
    date: calendarDate(year, month, day),
    minuteOfDay: hour * 60 + minute
  };
}

/** The zone's offset from UTC at instant `ms`, in milliseconds (east positive), to the second. */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wallAsUtc - Math.floor(ms / 1000) * 1000;
}

/** Adds days to a `YYYY-MM-DD` date. */
export function addCalendarDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + days));
  return calendarDate(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}

/**
 * The instant at which the local clock in `timeZone` shows `date` at `minuteOfDay` (0-1440; 1440
 * is the next midnight). Daylight saving makes some wall times ambiguous or missing:
 * - in an overlap (clocks go back) the time happens twice: the earlier instant is returned;
 * - in a gap (clocks go forward) the time never happens: the first instant after the gap (the
 *   moment of the change) is returned, which is when a window ending inside the gap really ends.
 */
export function zonedTimeToInstant(date: string, minuteOfDay: number, timeZone: string): number {
  if (minuteOfDay >= 1440) return zonedTimeToInstant(addCalendarDays(date, 1), minuteOfDay - 1440, timeZone);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wallAsUtc = Date.UTC(y, m - 1, d, Math.floor(minuteOfDay / 60), minuteOfDay % 60);
  // Offsets a day either side bracket any transition near this wall time (zones change at most
  // once a day); each offset yields one candidate instant.
  const candidates = [
    ...new Set([
      wallAsUtc - zoneOffsetMs(wallAsUtc - 86_400_000, timeZone),
      wallAsUtc - zoneOffsetMs(wallAsUtc + 86_400_000, timeZone),
      wallAsUtc - zoneOffsetMs(wallAsUtc, timeZone)
    ])
  ].sort((a, b) => a - b);
  const shows = (ms: number) => {
    const p = zonedParts(ms, timeZone);
    return p.date === date && p.minuteOfDay === minuteOfDay;
  };
  const exact = candidates.find(shows);
  if (exact !== undefined) return exact;
  // A gap: find the first instant whose local time is at or after the wanted one (minute steps).
  const wanted = `${date} ${String(minuteOfDay).padStart(4, '0')}`;
  const key = (ms: number) => {
    const p = zonedParts(ms, timeZone);
    return `${p.date} ${String(p.minuteOfDay).padStart(4, '0')}`;
  };
  let low = candidates[0]! - 3_600_000 * 3;
  let high = candidates[candidates.length - 1]! + 3_600_000 * 3;
  while (high - low > 60_000) {
    const mid = low + Math.floor((high - low) / 120_000) * 60_000;
    if (key(mid) >= wanted) high = mid;
    else low = mid;
  }
  return high;
}

/** `Fri 2026-03-06 16:00 EST`-style text for people, in `timeZone`. */
export function formatZoned(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' })
      .formatToParts(new Date(ms))
      .find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
  return `${WEEKDAY_NAMES[p.weekday]} ${p.date} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')} ${name}`;
}
