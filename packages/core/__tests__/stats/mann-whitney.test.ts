import { describe, expect, it } from '@jest/globals';
import {
  mannWhitneyGreater,
  mergeSorted,
  sortAscending,
  sortedPercentile
} from '../../src/stats/mann-whitney.ts';
import { normalUpperTail } from '../../src/stats/normal.ts';

/** U by its definition: count pairs, ties one half. O(n·m), independent of the implementation. */
function bruteForceU(a: number[], b: number[]): number {
  let u = 0;
  for (const x of a) for (const y of b) u += x > y ? 1 : x === y ? 0.5 : 0;
  return u;
}

/** The tie-corrected normal approximation, written from the textbook formula with ranks computed naively. */
function referenceP(a: number[], b: number[]): number {
  const all = [...a, ...b];
  const n1 = a.length;
  const n2 = b.length;
  const n = n1 + n2;
  const counts = new Map<number, number>();
  for (const v of all) counts.set(v, (counts.get(v) ?? 0) + 1);
  const tie = [...counts.values()].reduce((s, t) => s + t ** 3 - t, 0);
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tie / (n * (n - 1))));
  return normalUpperTail((bruteForceU(a, b) - (n1 * n2) / 2 - 0.5) / sigma);
}

describe('mannWhitneyGreater', () => {
  const cases: [string, number[], number[]][] = [
    ['disjoint, A larger', [10, 11, 12, 13, 14, 15], [1, 2, 3, 4, 5, 6]],
    ['interleaved', [1, 3, 5, 7, 9, 11, 13], [2, 4, 6, 8, 10, 12]],
    ['heavy ties (histogram-like)', [5, 5, 5, 10, 10, 25, 25, 25, 50], [5, 5, 5, 5, 10, 10, 10, 25]],
    ['A smaller', [1, 2, 2, 3], [3, 4, 5, 6, 7]]
  ];
  it.each(cases)('%s: U and p agree with the definition', (_name, a, b) => {
    const result = mannWhitneyGreater(a, b);
    expect(result.u).toBe(bruteForceU(a, b));
    expect(result.probabilityGreater).toBeCloseTo(bruteForceU(a, b) / (a.length * b.length), 12);
    expect(result.pValue).toBeCloseTo(referenceP(a, b), 12);
  });

  it('gives the same answer for presorted input', () => {
    const a = [9, 1, 4, 4, 7, 3];
    const b = [2, 8, 4, 1];
    const sorted = mannWhitneyGreater(sortAscending(a), sortAscending(b), { sorted: true });
    expect(sorted).toEqual(mannWhitneyGreater(a, b));
  });

  it('finds a shift significant and identical samples not', () => {
    const base = Array.from({ length: 200 }, (_, i) => 10 + (i % 37));
    expect(
      mannWhitneyGreater(
        base.map((v) => v * 1.3),
        base
      ).pValue
    ).toBeLessThan(1e-6);
    expect(mannWhitneyGreater(base, base).pValue).toBeGreaterThan(0.4);
  });

  it('answers p = 1 for empty or all-equal samples', () => {
    expect(mannWhitneyGreater([], [1, 2]).pValue).toBe(1);
    expect(mannWhitneyGreater([3, 3], [3, 3, 3]).pValue).toBe(1);
  });
});

describe('sorted helpers', () => {
  it('merges and takes nearest-rank percentiles', () => {
    const merged = mergeSorted(sortAscending([5, 1, 3]), sortAscending([4, 2, 6, 0]));
    expect(Array.from(merged)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sortedPercentile(merged, 50)).toBe(3);
    expect(sortedPercentile(merged, 99)).toBe(6);
    expect(sortedPercentile(new Float64Array(0), 99)).toBeUndefined();
  });
});
