/**
 * Measurement history carried from one job to the next: a canary walked over several jobs (with
 * approvals between them) hands the `history` output of one canary-step to the `history` input of
 * the next. The next step shows the whole canary and, where the stable version serves too little
 * to compare with (weight 100), uses the earlier baseline. See docs/adrs/0004-canary-analysis.md.
 */
import { z } from 'zod';

/** What a track served in one measurement, compactly. */
const trackSchema = z.object({
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  p99Ms: z.number().nonnegative().optional()
});

const entrySchema = z.object({
  weight: z.number().int().min(0).max(100),
  at: z.string(),
  status: z.enum(['pass', 'fail', 'inconclusive', 'error']),
  canary: trackSchema.optional(),
  baseline: trackSchema.optional()
});

export const HISTORY_SCHEMA = 'canary-step-history/v1';
/** A history keeps this many measurements, the newest. */
export const HISTORY_LIMIT = 500;

export const canaryHistorySchema = z.object({
  schema: z.literal(HISTORY_SCHEMA),
  /** The workflow run that started it, to warn when a history from another run is carried in. */
  runId: z.string().optional(),
  measurements: z.array(entrySchema).max(HISTORY_LIMIT)
});

export type CanaryHistory = z.output<typeof canaryHistorySchema>;
export type HistoryEntry = z.output<typeof entrySchema>;

/** What the history input accepts, for error messages. */
export const HISTORY_HINT =
  'the `history` output of an earlier canary-step (JSON with "schema": "canary-step-history/v1"), or its `report` output';

/** Reads the history input: a history document, or a canary-step report that carries one. */
export function parseHistory(text: string): CanaryHistory | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const doc =
    json !== null && typeof json === 'object' && (json as { schema?: unknown }).schema === 'canary-step/v1'
      ? (json as { history?: unknown }).history
      : json;
  const parsed = canaryHistorySchema.safeParse(doc);
  return parsed.success ? parsed.data : undefined;
}

/** The history with new entries appended, cut to its newest HISTORY_LIMIT. */
export function extendHistory(
  history: CanaryHistory | undefined,
  entries: readonly HistoryEntry[],
  runId: string | undefined
): CanaryHistory {
  const measurements = [...(history?.measurements ?? []), ...entries].slice(-HISTORY_LIMIT);
  const id = history?.runId ?? runId;
  return { schema: HISTORY_SCHEMA, ...(id !== undefined ? { runId: id } : {}), measurements };
}

/** The `history` input of canary-step and rollback: a history document or a canary-step report. */
export function canaryHistoryInput() {
  return z.string().transform((value, ctx): CanaryHistory => {
    const parsed = parseHistory(value);
    if (!parsed) {
      ctx.addIssue({ code: 'custom', message: HISTORY_HINT });
      return z.NEVER;
    }
    return parsed;
  });
}
