import { describe, expect, it } from '@jest/globals';
import {
  UnknownHolidayCalendarError,
  evaluateWindow,
  fixedHolidayCalendar,
  formatZoned,
  isValidTimeZone,
  loadHolidayCalendar,
  parseDateRange,
  parseFreezeWindows,
  freezeWeekChart,
  zonedParts,
  zonedTimeToInstant,
  type FreezeRule,
  type WindowConfig
} from '../../src/window/index.ts';

const DEFAULT_WINDOWS = 'Fri 16:00-24:00; Sat; Sun';

function rules(text: string): FreezeRule[] {
  const parsed = parseFreezeWindows(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
}

function config(timeZone: string, freeze = DEFAULT_WINDOWS, extra: Partial<WindowConfig> = {}): WindowConfig {
  return { timeZone, freezeWindows: rules(freeze), holidays: [], ...extra };
}

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('zoned time', () => {
  it('knows IANA zones and rejects the rest', () => {
    for (const zone of ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe'])
      expect(isValidTimeZone(zone)).toBe(true);
    for (const zone of ['Mars/Olympus', 'EST5', 'America/NewYork', '', ' UTC', '+25:00'])
      expect(isValidTimeZone(zone)).toBe(false);
  });

  it.each([
    // [instant, zone, local date, local minute of day, weekday]
    ['2026-03-06T20:59:00Z', 'America/New_York', '2026-03-06', 15 * 60 + 59, 5],
    ['2026-03-13T20:00:00Z', 'America/New_York', '2026-03-13', 16 * 60, 5], // EDT, Berlin still CET
    ['2026-03-13T15:00:00Z', 'Europe/Berlin', '2026-03-13', 16 * 60, 5],
    ['2026-07-10T14:00:00Z', 'Europe/Berlin', '2026-07-10', 16 * 60, 5],
    ['2026-03-08T06:59:00Z', 'America/New_York', '2026-03-08', 1 * 60 + 59, 0],
    ['2026-03-08T07:00:00Z', 'America/New_York', '2026-03-08', 3 * 60, 0],
    ['2026-11-01T05:30:00Z', 'America/New_York', '2026-11-01', 1 * 60 + 30, 0],
    ['2026-11-01T06:30:00Z', 'America/New_York', '2026-11-01', 1 * 60 + 30, 0],
    ['2026-01-01T04:59:00Z', 'America/New_York', '2025-12-31', 23 * 60 + 59, 3]
  ])('%s in %s is %s at minute %d (weekday %d)', (instant, zone, date, minute, weekday) => {
    const parts = zonedParts(at(instant), zone);
    expect(parts).toMatchObject({ date, minuteOfDay: minute, weekday });
  });

  it.each([
    // [local date, minute, zone, instant] — normal, gap (first instant after it), overlap (earlier one)
    ['2026-03-06', 16 * 60, 'America/New_York', '2026-03-06T21:00:00.000Z'],
    ['2026-03-13', 16 * 60, 'America/New_York', '2026-03-13T20:00:00.000Z'],
    ['2026-03-08', 2 * 60 + 30, 'America/New_York', '2026-03-08T07:00:00.000Z'],
    ['2026-03-29', 2 * 60 + 30, 'Europe/Berlin', '2026-03-29T01:00:00.000Z'],
    ['2026-11-01', 1 * 60 + 30, 'America/New_York', '2026-11-01T05:30:00.000Z'],
    ['2026-10-25', 2 * 60 + 30, 'Europe/Berlin', '2026-10-25T00:30:00.000Z'],
    ['2026-03-06', 1440, 'Europe/Berlin', '2026-03-06T23:00:00.000Z'],
    ['2026-10-04', 2 * 60 + 15, 'Australia/Lord_Howe', '2026-10-03T15:30:00.000Z']
  ])('%s minute %d in %s is %s', (date, minute, zone, expected) => {
    expect(iso(zonedTimeToInstant(date, minute, zone))).toBe(expected);
  });

  it('formats an instant for people with the zone abbreviation', () => {
    expect(formatZoned(at('2026-03-06T21:00:00Z'), 'America/New_York')).toBe('Fri 2026-03-06 16:00 EST');
    expect(formatZoned(at('2026-07-10T14:00:00Z'), 'Europe/Berlin')).toBe('Fri 2026-07-10 16:00 GMT+2');
  });
});

describe('parseFreezeWindows', () => {
  it('parses days, day ranges, lists and time ranges, including ranges past midnight', () => {
    expect(rules('Fri 16:00-24:00; Sat; Sun')).toEqual([
      { text: 'Fri 16:00-24:00', segments: [{ weekday: 5, start: 960, end: 1440 }] },
      { text: 'Sat', segments: [{ weekday: 6, start: 0, end: 1440 }] },
      { text: 'Sun', segments: [{ weekday: 0, start: 0, end: 1440 }] }
    ]);
    expect(rules('Fri-Mon 22:00 - 06:00')[0]!.segments).toEqual([
      { weekday: 0, start: 1320, end: 1440 },
      { weekday: 1, start: 0, end: 360 },
      { weekday: 1, start: 1320, end: 1440 },
      { weekday: 2, start: 0, end: 360 },
      { weekday: 5, start: 1320, end: 1440 },
      { weekday: 6, start: 0, end: 360 },
      { weekday: 6, start: 1320, end: 1440 },
      { weekday: 0, start: 0, end: 360 }
    ]);
    expect(rules('saturday, SUNDAY')[0]!.segments.map((s) => s.weekday)).toEqual([0, 6]);
    expect(rules('Sat Sun')[0]!.segments.map((s) => s.weekday)).toEqual([0, 6]);
    expect(rules('daily 12:00-13:00')[0]!.segments).toHaveLength(7);
    expect(rules('every day 12:00-13:00')[0]!.segments).toHaveLength(7);
    expect(rules('Mon-Fri 00:00-06:00\n# comment\nThu 23:00-00:00')).toHaveLength(2);
    expect(rules('none')).toEqual([]);
    expect(rules('NONE')).toEqual([]);
  });

  it.each([
    ['Fri 16:00', '"16:00" is not a day (a time range is written HH:MM-HH:MM)'],
    ['Friday 16-24', '"16-24" is not a day range'],
    ['Fri 16:00-25:00', 'is not a time range'],
    ['Fri 24:00-24:00', 'is not a time range'],
    ['Fri 16:60-17:00', 'is not a time range'],
    ['Fri 16:00-16:00', 'is empty'],
    ['Funday', '"Funday" is not a day'],
    ['Mon-Fri-Sat', 'is not a day range'],
    ['16:00-24:00', 'names no days']
  ])('rejects %j (%s)', (text, message) => {
    const parsed = parseFreezeWindows(text);
    expect(parsed).toHaveProperty('error');
    expect((parsed as { error: string }).error).toContain(message);
  });

  it('reports every bad entry at once', () => {
    expect(parseFreezeWindows('Sat; Fri 16:00; Funday')).toEqual({
      error:
        '"16:00" is not a day (a time range is written HH:MM-HH:MM) in "Fri 16:00"; ' +
        '"Funday" is not a day (Mon … Sun) in "Funday"'
    });
  });
});

describe('parseDateRange', () => {
  it('accepts dates and ordered ranges, and rejects impossible dates', () => {
    expect(parseDateRange('2026-12-24')).toEqual({
      from: '2026-12-24',
      to: '2026-12-24',
      text: '2026-12-24'
    });
    expect(parseDateRange('2026-12-24..2027-01-01')).toMatchObject({ from: '2026-12-24', to: '2027-01-01' });
    for (const bad of [
      '2026-02-30',
      '2026-13-01',
      '24.12.2026',
      '2027-01-01..2026-12-24',
      '2026-12-24..',
      'x'
    ])
      expect(parseDateRange(bad)).toBeUndefined();
  });
});

describe('evaluateWindow: Friday afternoon', () => {
  it.each([
    // The 16:00 freeze starts at different UTC instants in each zone and season.
    ['America/New_York', '2026-03-06T20:59:00Z', false, 'Fri 2026-03-06 15:59 EST'],
    ['America/New_York', '2026-03-06T21:00:00Z', true, 'Fri 2026-03-06 16:00 EST'],
    ['America/New_York', '2026-03-13T19:59:00Z', false, 'Fri 2026-03-13 15:59 EDT'],
    ['America/New_York', '2026-03-13T20:00:00Z', true, 'Fri 2026-03-13 16:00 EDT'],
    ['Europe/Berlin', '2026-03-13T14:59:00Z', false, 'Fri 2026-03-13 15:59 GMT+1'],
    ['Europe/Berlin', '2026-03-13T15:00:00Z', true, 'Fri 2026-03-13 16:00 GMT+1'],
    ['Europe/Berlin', '2026-07-10T13:59:00Z', false, 'Fri 2026-07-10 15:59 GMT+2'],
    ['Europe/Berlin', '2026-07-10T14:00:00Z', true, 'Fri 2026-07-10 16:00 GMT+2'],
    ['UTC', '2026-07-10T15:59:59Z', false, 'Fri 2026-07-10 15:59 UTC'],
    ['UTC', '2026-07-10T16:00:00Z', true, 'Fri 2026-07-10 16:00 UTC']
  ])('%s at %s: blocked %s (%s)', (zone, instant, blocked, local) => {
    const evaluation = evaluateWindow(config(zone), at(instant));
    expect(evaluation.blocked).toBe(blocked);
    expect(evaluation.local).toBe(local);
    if (blocked) {
      expect(evaluation.blocks).toEqual([
        { kind: 'freeze-window', rule: 'Fri 16:00-24:00', endsAtMs: expect.any(Number) }
      ]);
    }
  });

  it('reopens on Monday 00:00 local time after the weekend', () => {
    expect(iso(evaluateWindow(config('America/New_York'), at('2026-03-06T21:00:00Z')).reopensAtMs)).toBe(
      '2026-03-09T04:00:00.000Z' // Monday 00:00 EDT: the weekend had the DST change
    );
    expect(iso(evaluateWindow(config('Europe/Berlin'), at('2026-03-27T15:00:00Z')).reopensAtMs)).toBe(
      '2026-03-29T22:00:00.000Z' // Monday 00:00 CEST
    );
  });

  it('blocks the whole weekend in local time, not in UTC', () => {
    const ny = config('America/New_York');
    expect(evaluateWindow(ny, at('2026-03-07T04:59:00Z')).blocked).toBe(true); // Fri 23:59 EST
    expect(evaluateWindow(ny, at('2026-03-07T12:00:00Z')).blocks[0]!.rule).toBe('Sat');
    expect(evaluateWindow(ny, at('2026-03-09T03:59:00Z')).blocks[0]!.rule).toBe('Sun'); // Sun 23:59 EDT
    expect(evaluateWindow(ny, at('2026-03-09T04:00:00Z')).blocked).toBe(false); // Mon 00:00 EDT
    // Monday 01:00 UTC is still Sunday evening in New York.
    expect(evaluateWindow(ny, at('2026-03-09T01:00:00Z')).blocked).toBe(true);
    expect(evaluateWindow(config('UTC'), at('2026-03-09T01:00:00Z')).blocked).toBe(false);
  });
});

describe('evaluateWindow: the hours around daylight saving changes', () => {
  const hours = (zone: string, freeze: string, instants: string[]) =>
    instants.map((instant) => [instant, evaluateWindow(config(zone, freeze), at(instant)).blocked]);

  it('New York, spring forward: a window ending inside the skipped hour ends at the change', () => {
    // Sun 2026-03-08: 01:59 EST is followed by 03:00 EDT; 02:30 never happens.
    expect(
      hours('America/New_York', 'Sun 01:30-02:30', [
        '2026-03-08T06:29:00Z', // 01:29 EST
        '2026-03-08T06:30:00Z', // 01:30 EST
        '2026-03-08T06:59:00Z', // 01:59 EST
        '2026-03-08T07:00:00Z', // 03:00 EDT
        '2026-03-08T07:30:00Z' // 03:30 EDT
      ])
    ).toEqual([
      ['2026-03-08T06:29:00Z', false],
      ['2026-03-08T06:30:00Z', true],
      ['2026-03-08T06:59:00Z', true],
      ['2026-03-08T07:00:00Z', false],
      ['2026-03-08T07:30:00Z', false]
    ]);
    const evaluation = evaluateWindow(
      config('America/New_York', 'Sun 01:30-02:30'),
      at('2026-03-08T06:30:00Z')
    );
    expect(iso(evaluation.reopensAtMs)).toBe('2026-03-08T07:00:00.000Z');
  });

  it('New York, fall back: the repeated hour is inside the window both times', () => {
    // Sun 2026-11-01: 01:00-01:59 EDT, then 01:00-01:59 EST again.
    expect(
      hours('America/New_York', 'Sun 01:00-02:00', [
        '2026-11-01T04:59:00Z', // 00:59 EDT
        '2026-11-01T05:00:00Z', // 01:00 EDT
        '2026-11-01T05:59:00Z', // 01:59 EDT
        '2026-11-01T06:00:00Z', // 01:00 EST
        '2026-11-01T06:59:00Z', // 01:59 EST
        '2026-11-01T07:00:00Z' // 02:00 EST
      ]).map(([, blocked]) => blocked)
    ).toEqual([false, true, true, true, true, false]);
    const evaluation = evaluateWindow(
      config('America/New_York', 'Sun 01:00-02:00'),
      at('2026-11-01T05:00:00Z')
    );
    expect(iso(evaluation.reopensAtMs)).toBe('2026-11-01T07:00:00.000Z'); // two real hours later
  });

  it('Berlin, spring forward and fall back', () => {
    // Sun 2026-03-29: 01:59 CET → 03:00 CEST at 01:00 UTC.
    expect(
      hours('Europe/Berlin', 'Sun 02:00-03:00', ['2026-03-29T00:59:00Z', '2026-03-29T01:00:00Z']).map(
        ([, b]) => b
      )
    ).toEqual([false, false]);
    expect(
      hours('Europe/Berlin', 'Sun 01:00-03:00', [
        '2026-03-29T00:00:00Z', // 01:00 CET
        '2026-03-29T00:59:00Z', // 01:59 CET
        '2026-03-29T01:00:00Z' // 03:00 CEST
      ]).map(([, b]) => b)
    ).toEqual([true, true, false]);
    // Sun 2026-10-25: 02:59 CEST → 02:00 CET at 01:00 UTC; 02:xx happens twice.
    expect(
      hours('Europe/Berlin', 'Sun 02:00-03:00', [
        '2026-10-24T23:59:00Z', // 01:59 CEST
        '2026-10-25T00:00:00Z', // 02:00 CEST
        '2026-10-25T01:00:00Z', // 02:00 CET
        '2026-10-25T01:59:00Z', // 02:59 CET
        '2026-10-25T02:00:00Z' // 03:00 CET
      ]).map(([, b]) => b)
    ).toEqual([false, true, true, true, false]);
  });

  it('a weekday window keeps its local hours across the change (16:00 local before and after)', () => {
    const berlin = config('Europe/Berlin', 'Mon-Fri 16:00-18:00');
    expect(evaluateWindow(berlin, at('2026-03-27T15:00:00Z')).blocked).toBe(true); // Fri 16:00 CET
    expect(evaluateWindow(berlin, at('2026-03-30T14:00:00Z')).blocked).toBe(true); // Mon 16:00 CEST
    expect(evaluateWindow(berlin, at('2026-03-30T16:00:00Z')).blocked).toBe(false); // Mon 18:00 CEST
  });
});

describe('evaluateWindow: holidays and calendars', () => {
  it('blocks an explicit holiday for the whole local day', () => {
    const holidays = [parseDateRange('2026-12-24')!, parseDateRange('2026-12-28..2026-12-31')!];
    const ny = config('America/New_York', 'none', { holidays });
    // 2026-12-24 00:30 EST is 05:30 UTC; 2026-12-24 04:00 UTC is still the 23rd in New York.
    expect(evaluateWindow(ny, at('2026-12-24T04:00:00Z')).blocked).toBe(false);
    const evaluation = evaluateWindow(ny, at('2026-12-24T05:30:00Z'));
    expect(evaluation.blocks).toEqual([
      { kind: 'holiday', rule: '2026-12-24', endsAtMs: at('2026-12-25T05:00:00Z') }
    ]);
    expect(iso(evaluation.reopensAtMs)).toBe('2026-12-25T05:00:00.000Z');
    expect(iso(evaluateWindow(ny, at('2026-12-29T15:00:00Z')).reopensAtMs)).toBe('2027-01-01T05:00:00.000Z');
  });

  it('blocks a public holiday of an injected calendar', () => {
    const calendar = fixedHolidayCalendar('US', { '2026-11-26': 'Thanksgiving Day' });
    const evaluation = evaluateWindow(
      config('America/New_York', 'none', { calendar }),
      at('2026-11-26T15:00:00Z')
    );
    expect(evaluation.blocks).toEqual([
      { kind: 'public-holiday', rule: 'Thanksgiving Day (US)', endsAtMs: at('2026-11-27T05:00:00Z') }
    ]);
  });

  it('combines blocks and finds the reopening after all of them (holiday Monday after a weekend)', () => {
    const calendar = fixedHolidayCalendar('DE', { '2026-04-06': 'Easter Monday' });
    const evaluation = evaluateWindow(
      config('Europe/Berlin', DEFAULT_WINDOWS, { calendar }),
      at('2026-04-03T15:00:00Z')
    );
    expect(evaluation.blocks.map((b) => b.kind)).toEqual(['freeze-window']);
    expect(iso(evaluation.reopensAtMs)).toBe('2026-04-06T22:00:00.000Z'); // Tue 00:00 CEST
  });

  it('says nothing about reopening when the window never opens within a year', () => {
    const evaluation = evaluateWindow(config('UTC', 'daily'), at('2026-03-06T12:00:00Z'));
    expect(evaluation.blocked).toBe(true);
    expect(evaluation.reopensAtMs).toBeUndefined();
  });

  it('loads real public holidays from date-holidays, per region', async () => {
    const us = await loadHolidayCalendar('US');
    expect(us.holidayOn('2026-11-26')).toBe('Thanksgiving Day');
    expect(us.holidayOn('2026-07-03')).toBe('Independence Day (substitute day)');
    expect(us.holidayOn('2026-11-27')).toBeUndefined();
    const bavaria = await loadHolidayCalendar('DE-BY');
    const germany = await loadHolidayCalendar('de');
    // Corpus Christi is public in Bavaria, not in all of Germany; observances never block.
    expect(bavaria.holidayOn('2026-06-04')).toBe('Corpus Christi');
    expect(germany.holidayOn('2026-06-04')).toBeUndefined();
    expect(germany.holidayOn('2026-12-25')).toBe('Christmas Day');
    expect(germany.holidayOn('2026-02-14')).toBeUndefined(); // Valentine's Day: an observance
  });

  it('rejects unknown countries and regions with what it knows', async () => {
    await expect(loadHolidayCalendar('XX')).rejects.toThrow(UnknownHolidayCalendarError);
    await expect(loadHolidayCalendar('DE-ZZ')).rejects.toThrow(/"ZZ" is not a region of DE \(known: BB, BE/);
  });
});

describe('freezeWeekChart', () => {
  it('draws the local week with the default windows', () => {
    const rows = freezeWeekChart(config('America/New_York'), at('2026-03-04T15:00:00Z'));
    expect(rows.map((r) => `${r.weekday} ${r.date} ${r.cells}`)).toEqual([
      'Mon 2026-03-02 ························',
      'Tue 2026-03-03 ························',
      'Wed 2026-03-04 ························',
      'Thu 2026-03-05 ························',
      'Fri 2026-03-06 ················████████',
      'Sat 2026-03-07 ████████████████████████',
      'Sun 2026-03-08 ██ █████████████████████'
    ]);
  });

  it('marks hours only partly blocked', () => {
    const rows = freezeWeekChart(config('UTC', 'Wed 09:30-10:15'), at('2026-03-04T15:00:00Z'));
    expect(rows[2]!.cells).toBe('·········▒▒·············');
  });
});
