import { describe, expect, it } from '@jest/globals';
import { parseSteps, planLooks, planWeights } from '../../src/canary/plan.ts';
import { HISTORY_LIMIT, extendHistory, parseHistory } from '../../src/canary/history.ts';

describe('plan', () => {
  it.each([
    ['10,50,100', [10, 50, 100]],
    ['10\n 50 \n100', [10, 50, 100]],
    ['25', [25]],
    ['10,abc', undefined],
    ['10,5', undefined],
    ['10,10', undefined],
    ['0,50', undefined],
    ['50,101', undefined],
    ['1.5', undefined],
    [',', undefined]
  ])('parseSteps(%j) = %j', (text, expected) => {
    expect(parseSteps(text)).toEqual(expected);
  });

  it('plans weights and looks', () => {
    expect(planWeights({ weight: 10 })).toEqual([10]);
    expect(planWeights({ steps: [10, 50] })).toEqual([10, 50]);
    expect(() => planWeights({})).toThrow(RangeError);
    expect(planLooks(300_000, 30_000)).toBe(10);
    expect(planLooks(100_000, 30_000)).toBe(3);
    expect(planLooks(0.3 * 3 * 1000, 300)).toBe(3);
    expect(planLooks(10_000, 30_000)).toBe(1);
  });
});

describe('history', () => {
  const entry = {
    weight: 10,
    at: '2026-01-01T00:00:00.000Z',
    status: 'pass' as const,
    canary: { requests: 300, errors: 1 }
  };
  const history = { schema: 'canary-step-history/v1', runId: '77', measurements: [entry] };

  it('reads the history output and a report that carries one', () => {
    expect(parseHistory(JSON.stringify(history))).toEqual(history);
    expect(parseHistory(JSON.stringify({ schema: 'canary-step/v1', decision: 'promote', history }))).toEqual(
      history
    );
  });

  it.each([
    ['not JSON', '{'],
    ['another schema', JSON.stringify({ ...history, schema: 'health-gate/v1' })],
    [
      'a negative count',
      JSON.stringify({ ...history, measurements: [{ ...entry, canary: { requests: -1, errors: 0 } }] })
    ],
    ['a weight over 100', JSON.stringify({ ...history, measurements: [{ ...entry, weight: 150 }] })]
  ])('rejects %s', (_name, text) => {
    expect(parseHistory(text)).toBeUndefined();
  });

  it('extends, keeps the first run id, and keeps the newest entries', () => {
    const parsed = parseHistory(JSON.stringify(history))!;
    const next = extendHistory(parsed, [{ ...entry, weight: 50 }], '78');
    expect(next.runId).toBe('77');
    expect(next.measurements.map((m) => m.weight)).toEqual([10, 50]);
    const many = extendHistory(
      undefined,
      Array.from({ length: HISTORY_LIMIT + 5 }, (_, i) => ({ ...entry, weight: i % 100 })),
      '1'
    );
    expect(many.measurements).toHaveLength(HISTORY_LIMIT);
    expect(many.measurements[0]!.weight).toBe(5);
  });
});
