import { describe, expect, it } from '@jest/globals';
import {
  advanceGate,
  initialGateState,
  type GateSettings,
  type GateState,
  type GateStatus
} from '../src/health/gate.ts';
import type { ProbeOutcome } from '../src/health/probe.ts';

const settings: GateSettings = {
  intervalMs: 5000,
  startPeriodMs: 10_000,
  retries: 3,
  successThreshold: 2,
  deadlineMs: 300_000
};

/** Feeds probes one interval apart (0 s, 5 s, 10 s, ...) and collects what the gate said after each. */
function play(outcomes: readonly ProbeOutcome[], gate: GateSettings = settings) {
  let state: GateState = initialGateState;
  const statuses: GateStatus[] = [];
  const counted: boolean[] = [];
  outcomes.forEach((outcome, i) => {
    const step = advanceGate(gate, state, outcome, i * gate.intervalMs);
    state = step.state;
    statuses.push(step.status);
    counted.push(step.counted);
  });
  return { state, statuses, counted };
}

describe('advanceGate', () => {
  it.each<[string, ProbeOutcome[], GateStatus[], boolean[]]>([
    ['two passes pass', ['pass', 'pass'], ['waiting', 'passed'], [false, false]],
    [
      'failures in the start period (0 s, 5 s) are not counted',
      ['fail', 'fail', 'fail', 'fail', 'fail'],
      ['waiting', 'waiting', 'waiting', 'waiting', 'failed'],
      [false, false, true, true, true]
    ],
    [
      'the first pass ends the start period, so the next failures count at once',
      ['pass', 'fail', 'fail', 'fail'],
      ['waiting', 'waiting', 'waiting', 'failed'],
      [false, true, true, true]
    ],
    [
      'a failure resets the success streak',
      ['pass', 'fail', 'pass', 'pass'],
      ['waiting', 'waiting', 'waiting', 'passed'],
      [false, true, false, false]
    ],
    [
      'pending resets the success streak',
      ['pass', 'pending', 'pass', 'pass'],
      ['waiting', 'waiting', 'waiting', 'passed'],
      [false, false, false, false]
    ],
    [
      'a pass resets the failure count: failures must be consecutive',
      ['pass', 'fail', 'fail', 'pass', 'fail', 'fail', 'fail'],
      ['waiting', 'waiting', 'waiting', 'waiting', 'waiting', 'waiting', 'failed'],
      [false, true, true, false, true, true, true]
    ],
    [
      'pending resets the failure count and is never counted',
      ['pass', 'fail', 'fail', 'pending', 'fail', 'fail', 'pending', 'pending', 'pending'],
      ['waiting', 'waiting', 'waiting', 'waiting', 'waiting', 'waiting', 'waiting', 'waiting', 'waiting'],
      [false, true, true, false, true, true, false, false, false]
    ],
    [
      'flapping never passes nor fails',
      ['pass', 'fail', 'pass', 'fail', 'pass', 'fail', 'pass', 'fail'],
      Array<GateStatus>(8).fill('waiting'),
      [false, true, false, true, false, true, false, true]
    ],
    [
      'an old version (pending) then the new one passes',
      ['pending', 'pending', 'pending', 'pending', 'pass', 'pass'],
      ['waiting', 'waiting', 'waiting', 'waiting', 'waiting', 'passed'],
      [false, false, false, false, false, false]
    ]
  ])('%s', (_name, outcomes, statuses, counted) => {
    const result = play(outcomes);
    expect(result.statuses).toEqual(statuses);
    expect(result.counted).toEqual(counted);
    expect(result.state.attempts).toBe(outcomes.length);
  });

  it.each<[string, GateState, ProbeOutcome, number, GateState, GateStatus]>([
    [
      'a failure inside the start period',
      { attempts: 1, consecutiveSuccesses: 0, consecutiveFailures: 0, startPeriodOver: false },
      'fail',
      9999,
      { attempts: 2, consecutiveSuccesses: 0, consecutiveFailures: 0, startPeriodOver: false },
      'waiting'
    ],
    [
      'a failure exactly at the end of the start period counts',
      { attempts: 2, consecutiveSuccesses: 0, consecutiveFailures: 0, startPeriodOver: false },
      'fail',
      10_000,
      { attempts: 3, consecutiveSuccesses: 0, consecutiveFailures: 1, startPeriodOver: true },
      'waiting'
    ],
    [
      'a failure inside the start period still breaks the success streak',
      { attempts: 1, consecutiveSuccesses: 1, consecutiveFailures: 0, startPeriodOver: true },
      'fail',
      100,
      { attempts: 2, consecutiveSuccesses: 0, consecutiveFailures: 1, startPeriodOver: true },
      'waiting'
    ],
    [
      'the first pass ends the start period',
      initialGateState,
      'pass',
      0,
      { attempts: 1, consecutiveSuccesses: 1, consecutiveFailures: 0, startPeriodOver: true },
      'waiting'
    ],
    [
      'pending inside the start period does not end it',
      initialGateState,
      'pending',
      0,
      { attempts: 1, consecutiveSuccesses: 0, consecutiveFailures: 0, startPeriodOver: false },
      'waiting'
    ],
    [
      'the last allowed failure fails the gate',
      { attempts: 7, consecutiveSuccesses: 0, consecutiveFailures: 2, startPeriodOver: true },
      'fail',
      35_000,
      { attempts: 8, consecutiveSuccesses: 0, consecutiveFailures: 3, startPeriodOver: true },
      'failed'
    ],
    [
      'pending clears failures',
      { attempts: 7, consecutiveSuccesses: 0, consecutiveFailures: 2, startPeriodOver: true },
      'pending',
      35_000,
      { attempts: 8, consecutiveSuccesses: 0, consecutiveFailures: 0, startPeriodOver: true },
      'waiting'
    ]
  ])('%s', (_name, before, outcome, elapsedMs, after, status) => {
    const step = advanceGate(settings, before, outcome, elapsedMs);
    expect(step.state).toEqual(after);
    expect(step.status).toBe(status);
  });

  it('passes on the first probe with success-threshold 1', () => {
    expect(play(['pass'], { ...settings, successThreshold: 1 }).statuses).toEqual(['passed']);
  });

  it('fails on the first counted failure with retries 1 and no start period', () => {
    expect(play(['fail'], { ...settings, retries: 1, startPeriodMs: 0 }).statuses).toEqual(['failed']);
  });

  it('does not change the state it was given', () => {
    const before: GateState = {
      attempts: 1,
      consecutiveSuccesses: 1,
      consecutiveFailures: 0,
      startPeriodOver: true
    };
    const copy = { ...before };
    advanceGate(settings, before, 'fail', 5000);
    expect(before).toEqual(copy);
    expect(initialGateState).toEqual({
      attempts: 0,
      consecutiveSuccesses: 0,
      consecutiveFailures: 0,
      startPeriodOver: false
    });
  });
});
