/**
 * A seeded simulation of the canary analysis: two tracks with known error rates and latency
 * distributions, measured by a fake provider driven by a seeded generator, judged by the real
 * runCanary loop on a ManualClock. Deterministic, so the figures in the tests are reproducible.
 */
import { ManualClock } from '../../src/clock.ts';
import { MemoryLogger } from '../../src/logger.ts';
import type { MetricProvider, TrackMeasurement } from '../../src/providers/metrics/provider.ts';
import type { TrafficRouter } from '../../src/providers/traffic/router.ts';
import { sortAscending, sortedPercentile } from '../../src/stats/mann-whitney.ts';
import { runCanary, type CanaryConfig, type CanaryRun } from '../../src/canary/run-canary.ts';

/** xorshift32 (Marsaglia), scaled to [0, 1). Small, fast and seedable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

// Bound once: inside Jest's vm context every lookup of a global such as `Math` goes through an
// interceptor, which makes a hot loop of them twenty times slower.
const { sqrt, log, cos, exp, PI } = Math;

/** A standard normal draw (Box-Muller). */
function gaussian(random: () => number): number {
  let u = random();
  while (u === 0) u = random();
  return sqrt(-2 * log(u)) * cos(2 * PI * random());
}

export interface TrackModel {
  /** Probability that a request fails. */
  errorRate: number;
  /** Median latency (ms) of a log-normal distribution, and its sigma; omitted: no latencies (like Prometheus). */
  latency?: { medianMs: number; sigma: number };
  /** Requests per measurement. */
  requests: number;
}

/** Draws one measurement of a track. */
export function drawMeasurement(model: TrackModel, random: () => number): TrackMeasurement {
  let errors = 0;
  const latencies: number[] = [];
  for (let i = 0; i < model.requests; i++) {
    if (random() < model.errorRate) errors++;
    if (model.latency) latencies.push(model.latency.medianMs * exp(model.latency.sigma * gaussian(random)));
  }
  // Without a latency model the track reports a fixed p99, as a steady Prometheus histogram would.
  return {
    requests: model.requests,
    errors,
    ...(model.latency
      ? { latenciesMs: latencies, p99Ms: sortedPercentile(sortAscending(latencies), 99)! }
      : { p99Ms: 20 })
  };
}

/** The action's defaults: 5 minutes at 30-second intervals, 1 pp, ×1.2, 5 ms, 50 requests, limits 1 and 1. */
export const DEFAULT_CONFIG: CanaryConfig = {
  weights: [10],
  durationMs: 300_000,
  intervalMs: 30_000,
  analysis: {
    maxErrorRateDeltaPp: 1,
    maxP99Ratio: 1.2,
    minP99DeltaMs: 5,
    minRequests: 50,
    failureLimit: 1,
    inconclusiveLimit: 1,
    extraChecks: []
  },
  onFailure: 'rollback',
  onInconclusive: 'rollback'
};

const router: TrafficRouter = {
  type: 'command',
  target: 'simulation',
  setWeight: async () => undefined,
  verifyWeight: async () => undefined,
  reset: async () => undefined
};

/** One simulated canary step. */
export function simulateRun(
  canary: TrackModel,
  baseline: TrackModel,
  random: () => number,
  config: CanaryConfig = DEFAULT_CONFIG
): Promise<CanaryRun> {
  const metrics: MetricProvider = {
    type: 'probe',
    measure: async (track) => drawMeasurement(track === 'canary' ? canary : baseline, random)
  };
  return runCanary(config, { router, metrics, clock: new ManualClock(), logger: new MemoryLogger() });
}

export interface SimulationSummary {
  runs: number;
  rollbacks: number;
  /** Rollbacks decided at or before the second measurement. */
  rollbacksWithinTwo: number;
  promotions: number;
  /** Mean number of measurements before a rollback. */
  meanMeasurementsToRollback: number;
}

/** `runs` seeded steps, summarised. */
export async function simulate(
  runs: number,
  seed: number,
  canary: TrackModel,
  baseline: TrackModel,
  config: CanaryConfig = DEFAULT_CONFIG
): Promise<SimulationSummary> {
  const random = seededRandom(seed);
  let rollbacks = 0;
  let rollbacksWithinTwo = 0;
  let promotions = 0;
  let measurementsToRollback = 0;
  for (let i = 0; i < runs; i++) {
    const run = await simulateRun(canary, baseline, random, config);
    if (run.decision === 'rollback') {
      rollbacks++;
      measurementsToRollback += run.measurements.length;
      if (run.measurements.length <= 2) rollbacksWithinTwo++;
    } else if (run.decision === 'promote') promotions++;
  }
  return {
    runs,
    rollbacks,
    rollbacksWithinTwo,
    promotions,
    meanMeasurementsToRollback: rollbacks ? measurementsToRollback / rollbacks : 0
  };
}
