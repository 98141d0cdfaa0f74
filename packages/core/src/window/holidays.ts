/**
 * Blocked days: explicit dates (`holidays`) and a public-holiday calendar (`holiday-calendar`).
 * Both are whole local days in the window's time zone.
 */
import { addCalendarDays, calendarDate } from './zoned-time.ts';

/** An inclusive range of local dates, `YYYY-MM-DD`; a single date has `from === to`. */
export interface HolidayRange {
  from: string;
  to: string;
  text: string;
}

/** What `holidays` accepts, for error messages. */
export const HOLIDAYS_HINT =
  'dates YYYY-MM-DD (or ranges YYYY-MM-DD..YYYY-MM-DD) separated by commas or new lines';

function parseDate(text: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Rejects 2026-02-30 and the like, which Date would roll over.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return calendarDate(year, month, day);
}

/** Parses one `holidays` item; `undefined` when it is not a valid date or ordered range. */
export function parseDateRange(text: string): HolidayRange | undefined {
  const [first, second, ...rest] = text.split('..');
  if (rest.length > 0 || first === undefined) return undefined;
  const from = parseDate(first);
  const to = second === undefined ? from : parseDate(second);
  if (from === undefined || to === undefined || to < from) return undefined;
  return { from, to, text: text.trim() };
}

/** The explicit range that contains `date`, if any. */
export function explicitHolidayOn(ranges: readonly HolidayRange[], date: string): HolidayRange | undefined {
  return ranges.find((range) => range.from <= date && date <= range.to);
}

/** A public-holiday calendar; core decisions get one passed in. */
export interface HolidayCalendar {
  /** The code as given, e.g. `US` or `DE-BY`. */
  code: string;
  /** The name of the public holiday on local date `YYYY-MM-DD`, if it is one. */
  holidayOn(date: string): string | undefined;
}

/** What `holiday-calendar` accepts, for error messages. */
export const HOLIDAY_CALENDAR_HINT =
  'a country code, optionally with a region, as the date-holidays package knows them: US, GB, DE-BY, US-CA';

/** The shape of a calendar code: `US`, `DE-BY`, `GB-SCT`. Existence is checked by the loader. */
export const HOLIDAY_CALENDAR_PATTERN = /^[A-Za-z]{2}(-[A-Za-z0-9]{1,4})?$/;

/** A calendar from a fixed table of dates, for tests and for callers that have their own data. */
export function fixedHolidayCalendar(code: string, holidays: Record<string, string>): HolidayCalendar {
  return { code, holidayOn: (date) => holidays[date] };
}

/** Thrown when `holiday-calendar` names a country or region the calendar data does not have. */
export class UnknownHolidayCalendarError extends Error {
  override name = 'UnknownHolidayCalendarError';
  constructor(
    readonly code: string,
    readonly expected: string
  ) {
    super(`${code}: ${expected}`);
  }
}

/**
 * Loads the public-holiday calendar of `code` from the date-holidays package. The package carries
 * every country's rules (about 2 MB), so it is imported only when a calendar is asked for: runs
 * without one do not pay for loading it. Only holidays of type `public` block (not bank, school,
 * optional or observance days); substitute days of public holidays are public too.
 */
export async function loadHolidayCalendar(code: string): Promise<HolidayCalendar> {
  const { default: Holidays } = await import('date-holidays');
  const [country = '', region] = code.toUpperCase().split('-');
  const probe = new Holidays();
  const countries = probe.getCountries('en') as Record<string, string>;
  if (!countries[country]) {
    throw new UnknownHolidayCalendarError(code, `"${country}" is not a country the holiday calendar knows`);
  }
  if (region !== undefined) {
    const regions = (probe.getStates(country, 'en') ?? {}) as Record<string, string>;
    if (!regions[region]) {
      const known = Object.keys(regions);
      throw new UnknownHolidayCalendarError(
        code,
        `"${region}" is not a region of ${country}${known.length ? ` (known: ${known.join(', ')})` : ' (it has none)'}`
      );
    }
  }
  const calendar = region === undefined ? new Holidays(country) : new Holidays(country, region);
  calendar.setLanguages('en');
  const byYear = new Map<number, Map<string, string>>();
  const holidaysOf = (year: number) => {
    let table = byYear.get(year);
    if (!table) {
      table = new Map();
      for (const holiday of calendar.getHolidays(year) || []) {
        if (holiday.type !== 'public') continue;
        // `date` is the local start, e.g. `2026-12-25 00:00:00`; multi-day holidays span to `end`.
        let date = holiday.date.slice(0, 10);
        const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / 86_400_000));
        for (let i = 0; i < days; i++, date = addCalendarDays(date, 1)) {
          if (!table.has(date)) table.set(date, holiday.name);
        }
      }
      byYear.set(year, table);
    }
    return table;
  };
  return {
    code,
    holidayOn: (date) => holidaysOf(Number(date.slice(0, 4))).get(date)
  };
}
