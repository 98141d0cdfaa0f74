/**
 * Anytime-valid one-sided tests for the canary analysis: e-values of a one-sided normal-mixture
 * likelihood ratio (the mixture SPRT of Robbins, as in Johari et al.'s always-valid p-values and
 * Howard et al.'s confidence sequences, in the asymptotic form of Waudby-Smith et al.), and the
 * Bayes factor t test for a few looks of unknown spread. Under the null an e-value is a
 * nonnegative supermartingale in the data, so by Ville's inequality it ever reaches 1/α with
 * probability at most α, however often and whenever it is looked at: the budget is never split
 * over looks. docs/adrs/0004-canary-analysis.md says why these tests and cites the papers.
 */
import { normalCdf } from './normal.ts';
import type { Proportion } from './proportions.ts';

const { log, log1p, sqrt, exp, max } = Math;

/** e^700 ≈ 1e304, still a finite double. */
const MAX_LOG_E_VALUE = 700;

/** One look of an anytime-valid test. */
export interface SequentialEvidence {
  /** The observed effect, in the test's units (difference of rates, shift of ranks, log ratio). */
  effect: number;
  /** The effect over its standard error. */
  z: number;
  /** The e-value: how many times more likely the data are under "worse" than under "no worse". */
  eValue: number;
}

/**
 * The e-value of a one-sided normal mixture at a standardised statistic `z` whose effect has
 * standard error `standardError`, mixing over effects ≥ 0 with a half-normal of scale `mixingScale`:
 * ∫ exp(λS − λ²V/2) 2φ(λ/τ)/τ dλ over λ ≥ 0, with S = z·√V and V = 1/standardError², which is
 * 2/√(1+r) · exp(z²r / (2(1+r))) · Φ(z·√(r/(1+r))) with r = τ²V. Mixing only over worse canaries
 * (λ ≥ 0) makes it a supermartingale under every effect ≤ 0, not only under equality.
 */
export function oneSidedMixtureEValue(z: number, standardError: number, mixingScale: number): number {
  if (!(standardError > 0) || !Number.isFinite(z)) return z === Infinity ? exp(MAX_LOG_E_VALUE) : 1;
  const r = (mixingScale / standardError) ** 2;
  const shrink = r / (1 + r);
  const logE = log(2) - log1p(r) / 2 + (z * z * shrink) / 2 + log(normalCdf(z * sqrt(shrink)));
  // Capped so that overwhelming evidence stays a finite number in the JSON report.
  return exp(Math.min(logE, MAX_LOG_E_VALUE));
}

/**
 * Is A's failure rate above B's? The observed difference of rates over its standard error under
 * equal rates (the pooled score test), mixed at `mixingScale` (a difference of rates). The pooled
 * rate has one failure and one success added (as Agresti–Caffo do) so that samples without
 * failures still have a variance; the difference itself is not adjusted, because adding the same
 * to unequal samples would make the smaller one look worse.
 */
export function sequentialProportionTest(
  a: Proportion,
  b: Proportion,
  mixingScale: number
): SequentialEvidence {
  if (a.total === 0 || b.total === 0) return { effect: 0, z: 0, eValue: 1 };
  const pooled = (a.failures + b.failures + 1) / (a.total + b.total + 2);
  const standardError = sqrt(pooled * (1 - pooled) * (1 / a.total + 1 / b.total));
  const effect = a.failures / a.total - b.failures / b.total;
  const z = effect / standardError;
  return { effect, z, eValue: oneSidedMixtureEValue(z, standardError, mixingScale) };
}

/**
 * Is A stochastically larger than B? The Mann-Whitney effect P(A > B) − ½ (ties counting one half,
 * `probabilityGreater` from mannWhitneyGreater) over its standard error under equal distributions,
 * mixed at `mixingScale` (a shift of that probability).
 */
export function sequentialRankTest(
  probabilityGreater: number,
  sizeA: number,
  sizeB: number,
  mixingScale: number
): SequentialEvidence {
  if (sizeA === 0 || sizeB === 0) return { effect: 0, z: 0, eValue: 1 };
  const effect = probabilityGreater - 0.5;
  const standardError = sqrt((sizeA + sizeB + 1) / (12 * sizeA * sizeB));
  const z = effect / standardError;
  return { effect, z, eValue: oneSidedMixtureEValue(z, standardError, mixingScale) };
}

/** Fewest looks the ratio test needs: with fewer, their spread says nothing. */
export const MIN_RATIO_LOOKS = 3;

/**
 * Is A's quantile above B's, from one quantile per look (Prometheus' p99)? The looks' log ratios
 * are few and their spread unknown, so the normal mixture (which trusts an estimated spread) would
 * stop too often; this is the Bayes factor t test instead: a normal prior of variance `g` on the
 * standardised effect (mean / spread) and the scale-invariant prior on the spread, whose Bayes
 * factor (1 + kg)^(−½)·((1 + t²/ν) / (1 + t²/(ν(1 + kg))))^((ν+1)/2), ν = k − 1, is an e-process for
 * "no difference" (Pérez-Ortiz, Lardy, de Heide, Grünwald). The spread counts as at least
 * `minSpread` per look: a steady pair of histograms can repeat one ratio and have no spread at all.
 */
export function sequentialLogRatioTest(
  logRatios: readonly number[],
  minSpread: number,
  g: number
): SequentialEvidence {
  const k = logRatios.length;
  if (k < MIN_RATIO_LOOKS) return { effect: 0, z: 0, eValue: 1 };
  const mean = logRatios.reduce((sum, x) => sum + x, 0) / k;
  const variance = logRatios.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (k - 1);
  const t = mean / sqrt(max(variance, minSpread * minSpread) / k);
  const nu = k - 1;
  const logE =
    -log1p(k * g) / 2 + ((nu + 1) / 2) * (log1p((t * t) / nu) - log1p((t * t) / (nu * (1 + k * g))));
  return { effect: mean, z: t, eValue: exp(Math.min(logE, MAX_LOG_E_VALUE)) };
}
