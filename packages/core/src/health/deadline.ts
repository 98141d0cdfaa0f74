import type { Clock } from '../clock.ts';
import { formatDuration } from '../inputs/duration.ts';

/** The phases of a health gate, in the order they run; a deadline cuts one of them short. */
export type HealthPhase = 'gate' | 'latency' | 'smoke' | 'watch';

/** How each phase is named in verdicts and summaries. */
export const PHASE_NAMES: Record<HealthPhase, string> = {
  gate: 'the health probes',
  latency: 'the latency sampling',
  smoke: 'the smoke checks',
  watch: 'the post-deploy watch'
};

/**
 * One hard limit shared by every phase of a step: each request's timeout is capped by the time
 * left, so no request outlives it, whatever `timeout` says.
 */
export interface Deadline {
  /** The whole budget, for messages. */
  readonly ms: number;
  /** Clock time at which it falls. */
  readonly at: number;
  /** Milliseconds left; 0 or less once it fell. */
  remaining(): number;
  /** `timeoutMs` capped by the time left (0 when none is left). */
  cap(timeoutMs: number): number;
  /** True once the clock reached it. */
  reached(): boolean;
}

/** Starts a deadline of `ms` from the clock's current time. */
export function startDeadline(clock: Clock, ms: number): Deadline {
  const at = clock.now() + ms;
  const remaining = () => at - clock.now();
  return {
    ms,
    at,
    remaining,
    cap: (timeoutMs) => Math.max(0, Math.min(timeoutMs, remaining())),
    reached: () => remaining() <= 0
  };
}

/** `deadline 2s reached during the smoke checks, 1 of 3 checks started` */
export function deadlineMessage(deadline: Deadline, phase: HealthPhase, detail: string): string {
  return `deadline ${formatDuration(deadline.ms)} reached during ${PHASE_NAMES[phase]}, ${detail}`;
}
