// @deploy-actions/core/stats: percentiles and the tests the canary analysis uses.
export { type LatencySummary, percentile, summarizeLatencies } from './percentiles.ts';
export { erfc, normalCdf, normalUpperTail } from './normal.ts';
export { compareProportions, type Proportion, type ProportionComparison } from './proportions.ts';
export {
  mannWhitneyGreater,
  type MannWhitneyResult,
  mergeSorted,
  sortAscending,
  sortedPercentile
} from './mann-whitney.ts';
export {
  MIN_RATIO_LOOKS,
  oneSidedMixtureEValue,
  type SequentialEvidence,
  sequentialLogRatioTest,
  sequentialProportionTest,
  sequentialRankTest
} from './sequential.ts';
