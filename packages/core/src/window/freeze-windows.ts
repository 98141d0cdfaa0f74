/**
 * The `freeze-windows` language: entries separated by `;` or new lines, each a set of days and an
 * optional local time range, e.g. `Fri 16:00-24:00; Sat; Sun` or `Mon-Thu 22:00-06:00`.
 */
import { WEEKDAY_NAMES } from './zoned-time.ts';

/** One blocked stretch of one weekday, in minutes since local midnight: `[start, end)`. */
export interface FreezeSegment {
  weekday: number;
  start: number;
  end: number;
}

/** One entry as written, with the weekday segments it blocks. */
export interface FreezeRule {
  text: string;
  segments: FreezeSegment[];
}

/** What `freeze-windows` accepts, for error messages. */
export const FREEZE_WINDOWS_HINT =
  'freeze windows separated by ";" or new lines, each days and an optional local time range: ' +
  '"Fri 16:00-24:00; Sat; Sun", "Mon-Fri 12:00-13:00", "daily 22:00-06:00", or "none"';

const DAY_ALIASES: Record<string, number> = {};
for (const [index, name] of WEEKDAY_NAMES.entries()) DAY_ALIASES[name.toLowerCase()] = index;
Object.assign(DAY_ALIASES, {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  tues: 2,
  thur: 4,
  thurs: 4
});

function parseDay(text: string): number | undefined {
  return DAY_ALIASES[text.toLowerCase()];
}

/** `Mon`, `Mon-Fri` (wrapping: `Fri-Mon`), `Sat,Sun`, `daily`, `*`. */
function parseDays(text: string): number[] | { error: string } {
  if (text === '*' || /^(daily|every ?day)$/i.test(text)) return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const item of text.split(',')) {
    const range = item.trim().split('-');
    if (range.length === 1) {
      const day = parseDay(range[0]!.trim());
      if (day === undefined && /^\d/.test(item.trim()))
        return { error: `"${item.trim()}" is not a day (a time range is written HH:MM-HH:MM)` };
      if (day === undefined) return { error: `"${item.trim()}" is not a day (Mon … Sun)` };
      days.add(day);
    } else if (range.length === 2) {
      const from = parseDay(range[0]!.trim());
      const to = parseDay(range[1]!.trim());
      if (from === undefined || to === undefined) return { error: `"${item.trim()}" is not a day range` };
      for (let day = from; ; day = (day + 1) % 7) {
        days.add(day);
        if (day === to) break;
      }
    } else {
      return { error: `"${item.trim()}" is not a day range` };
    }
  }
  return [...days].sort();
}

/** `HH:MM` from 00:00 to 24:00 (24:00 only as an end). */
function parseTime(text: string): number | undefined {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return undefined;
  return hours * 60 + minutes;
}

/** One entry; a range ending before it starts runs past midnight into the next day. */
export function parseFreezeRule(text: string): FreezeRule | { error: string } {
  const entry = text.trim().replace(/\s+/g, ' ');
  // Days, then an optional time range; spaces around the range's dash are allowed.
  const match = /^(.*?)\s*(?:(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2}))?$/.exec(entry);
  const daysText = match?.[1]?.trim() ?? '';
  if (!match || daysText === '') return { error: `"${entry}" names no days` };
  const normalized = daysText.replace(/\s*,\s*/g, ',').replace(/\s*-\s*/g, '-');
  // `Sat Sun` lists days like `Sat,Sun`; `every day` is one word for all of them.
  const days = parseDays(/^every day$/i.test(normalized) ? 'daily' : normalized.replace(/\s+/g, ','));
  if ('error' in days) return { error: `${days.error} in "${entry}"` };
  if (match[2] === undefined) {
    return { text: entry, segments: days.map((weekday) => ({ weekday, start: 0, end: 1440 })) };
  }
  const start = parseTime(match[2]);
  const end = parseTime(match[3]!);
  if (start === undefined || start === 1440 || end === undefined)
    return { error: `"${match[2]}-${match[3]}" is not a time range HH:MM-HH:MM in "${entry}"` };
  if (start === end) return { error: `"${match[2]}-${match[3]}" is empty in "${entry}"` };
  const segments: FreezeSegment[] = [];
  for (const weekday of days) {
    if (start < end) segments.push({ weekday, start, end });
    else {
      // 22:00-06:00 on Fri: Fri 22:00-24:00 and Sat 00:00-06:00.
      segments.push({ weekday, start, end: 1440 });
      if (end > 0) segments.push({ weekday: (weekday + 1) % 7, start: 0, end });
    }
  }
  return { text: entry, segments };
}

/** The whole input; `none` means no freeze windows. All problems are reported together. */
export function parseFreezeWindows(text: string): FreezeRule[] | { error: string } {
  if (/^\s*none\s*$/i.test(text)) return [];
  const rules: FreezeRule[] = [];
  const errors: string[] = [];
  for (const entry of text.split(/[;\n]/)) {
    if (entry.trim() === '' || entry.trim().startsWith('#')) continue;
    const rule = parseFreezeRule(entry);
    if ('error' in rule) errors.push(rule.error);
    else rules.push(rule);
  }
  if (errors.length > 0) return { error: errors.join('; ') };
  return rules;
}

/** The segments of `rules` that cover local `weekday` at `minuteOfDay`. */
export function matchingFreezeRules(rules: readonly FreezeRule[], weekday: number, minuteOfDay: number) {
  const matches: { rule: FreezeRule; segment: FreezeSegment }[] = [];
  for (const rule of rules) {
    const segment = rule.segments.find(
      (s) => s.weekday === weekday && s.start <= minuteOfDay && minuteOfDay < s.end
    );
    if (segment) matches.push({ rule, segment });
  }
  return matches;
}
