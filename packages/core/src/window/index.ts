// Re-exports of this folder: freeze windows, holidays and time zones.
export {
  addCalendarDays,
  calendarDate,
  formatZoned,
  isValidTimeZone,
  WEEKDAY_NAMES,
  zonedParts,
  type ZonedParts,
  zonedTimeToInstant,
  zoneOffsetMs
} from './zoned-time.ts';
export {
  FREEZE_WINDOWS_HINT,
  type FreezeRule,
  type FreezeSegment,
  matchingFreezeRules,
  parseFreezeRule,
  parseFreezeWindows
} from './freeze-windows.ts';
export {
  explicitHolidayOn,
  fixedHolidayCalendar,
  HOLIDAY_CALENDAR_HINT,
  HOLIDAY_CALENDAR_PATTERN,
  type HolidayCalendar,
  type HolidayRange,
  HOLIDAYS_HINT,
  loadHolidayCalendar,
  parseDateRange,
  UnknownHolidayCalendarError
} from './holidays.ts';
export {
  evaluateWindow,
  freezeWeekChart,
  type FreezeWeekRow,
  isBlockedLocally,
  nextBlockedAt,
  type WindowBlock,
  windowBlocksAt,
  type WindowConfig,
  type WindowEvaluation
} from './evaluate-window.ts';
