import { describe, expect, it } from '@jest/globals';
import { percentile, summarizeLatencies } from '../src/stats/percentiles.ts';

const oneToHundred = Array.from({ length: 100 }, (_, i) => 100 - i); // unsorted on purpose

describe('percentile (nearest rank)', () => {
  it.each([
    [[], 50, undefined],
    [[7], 0, 7],
    [[7], 99, 7],
    [[3, 1, 2], 50, 2],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 51, 3],
    [[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 95, 100],
    [[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90, 90],
    [[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0, 10],
    [oneToHundred, 50, 50],
    [oneToHundred, 95, 95],
    [oneToHundred, 99, 99],
    [oneToHundred, 100, 100],
    [[5, 1, 900, 3, 2], 99, 900]
  ])('of %j at p%d is %p', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('always returns an observed value', () => {
    const values = [1.5, 2.25, 8, 100.75];
    for (const p of [1, 25, 33, 50, 66, 75, 90, 99]) expect(values).toContain(percentile(values, p));
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });

  it.each([-1, 100.5, 101])('rejects p=%d', (p) => {
    expect(() => percentile([1, 2], p)).toThrow(new RangeError(`percentile must be within 0-100, got ${p}`));
  });
});

describe('summarizeLatencies', () => {
  it('returns undefined for no values', () => {
    expect(summarizeLatencies([])).toBeUndefined();
  });

  it('summarizes 1..100', () => {
    expect(summarizeLatencies(oneToHundred)).toEqual({
      count: 100,
      min: 1,
      p50: 50,
      p95: 95,
      p99: 99,
      max: 100,
      mean: 50.5
    });
  });

  it('makes p99 the maximum for a small sample with one outlier', () => {
    expect(summarizeLatencies([12, 10, 950, 11, 13])).toEqual({
      count: 5,
      min: 10,
      p50: 12,
      p95: 950,
      p99: 950,
      max: 950,
      mean: 199.2
    });
  });

  it('agrees with percentile()', () => {
    const values = [42, 7, 19, 3, 88, 61, 5, 27, 33, 71, 14, 9];
    const summary = summarizeLatencies(values)!;
    expect([summary.p50, summary.p95, summary.p99]).toEqual([
      percentile(values, 50),
      percentile(values, 95),
      percentile(values, 99)
    ]);
    expect(values[0]).toBe(42);
  });
});
