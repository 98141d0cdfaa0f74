/**
 * The `window` check: deploys are blocked inside freeze windows, on explicit holidays and on
 * public holidays of the calendar, all in the configured time zone. `override-reason` turns a
 * block into a warning that the report records.
 */
import { formatDuration } from '../inputs/duration.ts';
import {
  evaluateWindow,
  formatZoned,
  freezeWeekChart,
  nextBlockedAt,
  type FreezeWeekRow,
  type WindowBlock,
  type WindowConfig
} from '../window/index.ts';
import type { PreflightCheckResult } from './types.ts';

export interface WindowDetails {
  timeZone: string;
  /** Where the evaluated time came from. */
  source: 'window-at' | 'now';
  at: string;
  local: string;
  blocks: (WindowBlock & { endsAt: string })[];
  reopensAt?: string;
  reopensLocal?: string;
  /** When open: the next time a block starts within a week. */
  nextFreezeAt?: string;
  nextFreezeLocal?: string;
  freezeWindows: string[];
  holidays: string[];
  holidayCalendar?: string;
  overridden: boolean;
  week: FreezeWeekRow[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** `45m`, `5h30m`, `2d 8h`: how long until something, for people. */
export function formatWait(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  if (days < 2) return formatDuration(ms);
  const hours = Math.round((ms - days * 86_400_000) / 3_600_000);
  return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
}

function describeBlock(block: WindowBlock): string {
  switch (block.kind) {
    case 'freeze-window':
      return `freeze window \`${block.rule}\``;
    case 'holiday':
      return `holiday ${block.rule}`;
    case 'public-holiday':
      return `public holiday ${block.rule}`;
  }
}

export function checkWindow(
  config: WindowConfig,
  options: { atMs: number; source: 'window-at' | 'now'; overrideReason?: string }
): PreflightCheckResult<WindowDetails> {
  const evaluation = evaluateWindow(config, options.atMs);
  const next = evaluation.blocked ? undefined : nextBlockedAt(config, options.atMs);
  const overridden = evaluation.blocked && options.overrideReason !== undefined;
  const details: WindowDetails = {
    timeZone: config.timeZone,
    source: options.source,
    at: iso(options.atMs),
    local: evaluation.local,
    blocks: evaluation.blocks.map((b) => ({ ...b, endsAt: iso(b.endsAtMs) })),
    ...(evaluation.reopensAtMs !== undefined
      ? {
          reopensAt: iso(evaluation.reopensAtMs),
          reopensLocal: formatZoned(evaluation.reopensAtMs, config.timeZone)
        }
      : {}),
    ...(next !== undefined
      ? { nextFreezeAt: iso(next), nextFreezeLocal: formatZoned(next, config.timeZone) }
      : {}),
    freezeWindows: config.freezeWindows.map((r) => r.text),
    holidays: config.holidays.map((h) => h.text),
    ...(config.calendar ? { holidayCalendar: config.calendar.code } : {}),
    overridden,
    week: freezeWeekChart(config, options.atMs)
  };
  const when = options.source === 'window-at' ? `${evaluation.local} (window-at)` : evaluation.local;
  if (evaluation.blocked) {
    const why = evaluation.blocks.map(describeBlock).join(' and ');
    const reopens =
      evaluation.reopensAtMs !== undefined
        ? `deploys reopen ${formatZoned(evaluation.reopensAtMs, config.timeZone)} (in ${formatWait(evaluation.reopensAtMs - options.atMs)})`
        : 'no open time within a year';
    return overridden
      ? {
          id: 'window',
          status: 'warn',
          reason: `${when} is inside ${why} — overridden: ${options.overrideReason}`,
          details,
          next: 'The deploy window was overridden: stay around until the deploy is verified.'
        }
      : {
          id: 'window',
          status: 'fail',
          reason: `${when} is inside ${why}; ${reopens}.`,
          details,
          next: `Deploy after the window reopens${evaluation.reopensAtMs !== undefined ? ` (${formatZoned(evaluation.reopensAtMs, config.timeZone)})` : ''}, or set \`override-reason\` for an urgent fix.`
        };
  }
  return {
    id: 'window',
    status: 'pass',
    reason: `${when} is outside every freeze window and holiday${
      next !== undefined
        ? `; the next freeze starts ${formatZoned(next, config.timeZone)} (in ${formatWait(next - options.atMs)})`
        : ''
    }.`,
    details
  };
}
