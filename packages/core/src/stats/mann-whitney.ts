import { normalUpperTail } from './normal.ts';

export interface MannWhitneyResult {
  /** U of the first sample: pairs (a, b) with a > b, ties counting one half. */
  u: number;
  /** U / (n₁·n₂): the probability that a random value of A exceeds one of B (0.5 when alike). */
  probabilityGreater: number;
  z: number;
  /** One-sided p-value for "A tends to be larger than B". 1 when either sample is empty. */
  pValue: number;
}

/**
 * The Mann-Whitney U (Wilcoxon rank-sum) test, one-sided: does A tend to take larger values than B?
 * It compares whole distributions by ranks, so a few outliers cannot dominate it, as Kayenta uses it
 * for canary metrics. Normal approximation with the tie correction and a continuity correction
 * (fine from about ten values per sample; the canary analysis asks for more).
 *
 * `sorted: true` says both samples are already in ascending order (the analysis keeps its
 * cumulative samples sorted), which makes the test a linear merge.
 */
export function mannWhitneyGreater(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: { sorted?: boolean } = {}
): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { u: 0, probabilityGreater: 0.5, z: 0, pValue: 1 };
  const x = options.sorted ? a : sortAscending(a);
  const y = options.sorted ? b : sortAscending(b);
  // Walk both sorted samples in step, one group of equal values at a time: each group takes the
  // mean of the ranks it spans; ties enter the variance correction.
  let i = 0;
  let j = 0;
  let rank = 0;
  let rankSumA = 0;
  let tieTerm = 0;
  while (i < n1 || j < n2) {
    const value = j >= n2 || (i < n1 && x[i]! <= y[j]!) ? x[i]! : y[j]!;
    let inA = 0;
    let inB = 0;
    while (i < n1 && x[i] === value) {
      inA++;
      i++;
    }
    while (j < n2 && y[j] === value) {
      inB++;
      j++;
    }
    const size = inA + inB;
    const meanRank = rank + (size + 1) / 2;
    rankSumA += inA * meanRank;
    rank += size;
    if (size > 1) tieTerm += size ** 3 - size;
  }
  const n = n1 + n2;
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, probabilityGreater: u / (n1 * n2), z: 0, pValue: 1 };
  const z = (u - mean - 0.5) / Math.sqrt(variance);
  return { u, probabilityGreater: u / (n1 * n2), z, pValue: normalUpperTail(z) };
}

/** A sorted copy (typed-array sort: numeric, and much faster than a comparator on large samples). */
export function sortAscending(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** The p-th percentile (nearest rank) of an ascending sample; undefined when it is empty. */
export function sortedPercentile(sorted: ArrayLike<number>, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

/** Merges two ascending samples into a new ascending one. */
export function mergeSorted(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const merged = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) merged[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) merged[k++] = a[i++]!;
  while (j < b.length) merged[k++] = b[j++]!;
  return merged;
}
