import type { ProbeOutcome } from './probe.ts';

/** Docker HEALTHCHECK semantics plus a success streak and a hard deadline. */
export interface GateSettings {
  intervalMs: number;
  /** Failures inside it do not count; the first passing probe ends it early. */
  startPeriodMs: number;
  /** Consecutive counted failures that fail the gate. */
  retries: number;
  /** Consecutive passing probes that pass the gate. */
  successThreshold: number;
  deadlineMs: number;
}

export interface GateState {
  attempts: number;
  consecutiveSuccesses: number;
  consecutiveFailures: number;
  /** True once the start period elapsed or a probe passed. */
  startPeriodOver: boolean;
}

export type GateStatus = 'waiting' | 'passed' | 'failed';

export const initialGateState: GateState = {
  attempts: 0,
  consecutiveSuccesses: 0,
  consecutiveFailures: 0,
  startPeriodOver: false
};

/**
 * Advances the gate by one probe outcome observed `elapsedMs` after the gate started. Pure.
 * A failure inside the start period breaks the success streak but is not counted; `pending`
 * (healthy, other version) is neither a success nor a failure.
 */
export function advanceGate(
  settings: GateSettings,
  state: GateState,
  outcome: ProbeOutcome,
  elapsedMs: number
): { state: GateState; status: GateStatus; counted: boolean } {
  const attempts = state.attempts + 1;
  const startPeriodOver = state.startPeriodOver || elapsedMs >= settings.startPeriodMs || outcome === 'pass';
  if (outcome === 'pass') {
    const consecutiveSuccesses = state.consecutiveSuccesses + 1;
    return {
      state: { attempts, consecutiveSuccesses, consecutiveFailures: 0, startPeriodOver },
      status: consecutiveSuccesses >= settings.successThreshold ? 'passed' : 'waiting',
      counted: false
    };
  }
  if (outcome === 'pending') {
    return {
      state: { attempts, consecutiveSuccesses: 0, consecutiveFailures: 0, startPeriodOver },
      status: 'waiting',
      counted: false
    };
  }
  const consecutiveFailures = startPeriodOver ? state.consecutiveFailures + 1 : 0;
  return {
    state: { attempts, consecutiveSuccesses: 0, consecutiveFailures, startPeriodOver },
    status: consecutiveFailures >= settings.retries ? 'failed' : 'waiting',
    counted: startPeriodOver
  };
}
