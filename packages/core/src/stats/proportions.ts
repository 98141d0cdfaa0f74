import { normalUpperTail } from './normal.ts';

/** Failures out of a number of trials (errors out of requests). */
export interface Proportion {
  failures: number;
  total: number;
}

export interface ProportionComparison {
  /** Observed rates, failures / total (0 when total is 0). */
  rateA: number;
  rateB: number;
  /** rateA − rateB as observed. */
  difference: number;
  /** The Agresti–Caffo z statistic for "A's rate is higher than B's". */
  z: number;
  /** One-sided p-value of that z: small when A is worse than B beyond what noise explains. */
  pValue: number;
}

/**
 * Compares two proportions with a one-sided two-sample z test on the Agresti–Caffo adjusted
 * proportions (one failure and one success added to each sample). The adjustment keeps the test
 * honest where the plain Wald test is not: with no failures at all in a sample its variance is not
 * zero, so "0 of 40 against 1 of 40" is never significant.
 */
export function compareProportions(a: Proportion, b: Proportion): ProportionComparison {
  const rate = (p: Proportion) => (p.total > 0 ? p.failures / p.total : 0);
  const adjustedA = (a.failures + 1) / (a.total + 2);
  const adjustedB = (b.failures + 1) / (b.total + 2);
  const variance =
    (adjustedA * (1 - adjustedA)) / (a.total + 2) + (adjustedB * (1 - adjustedB)) / (b.total + 2);
  const z = (adjustedA - adjustedB) / Math.sqrt(variance);
  return {
    rateA: rate(a),
    rateB: rate(b),
    difference: rate(a) - rate(b),
    z,
    pValue: normalUpperTail(z)
  };
}
