/** Fakes for the canary loop: a router that records weights, a provider that plays a script. */
import type {
  MeasureWindow,
  MetricProvider,
  Track,
  TrackMeasurement
} from '../../src/providers/metrics/provider.ts';
import { MetricError } from '../../src/providers/metrics/provider.ts';
import { TrafficRouterError, type TrafficRouter } from '../../src/providers/traffic/router.ts';
import type { ManualClock } from '../../src/clock.ts';
import type { AnalysisSettings } from '../../src/canary/analysis.ts';
import type { CanaryConfig } from '../../src/canary/run-canary.ts';

/** canary-step's default limits: 1 pp, ×1.2, 5 ms, 50 requests, failure and inconclusive limits 1. */
export const ANALYSIS_DEFAULTS: Omit<AnalysisSettings, 'looksPerWeight'> = {
  maxErrorRateDeltaPp: 1,
  maxP99Ratio: 1.2,
  minP99DeltaMs: 5,
  minRequests: 50,
  failureLimit: 1,
  inconclusiveLimit: 1,
  extraChecks: []
};

/** One weight of 10% for a minute, measured every 20 s, rolled back on a failure or no verdict. */
export const ONE_WEIGHT_CONFIG: CanaryConfig = {
  weights: [10],
  durationMs: 60_000,
  intervalMs: 20_000,
  analysis: ANALYSIS_DEFAULTS,
  onFailure: 'rollback',
  onInconclusive: 'rollback'
};

export class FakeRouter implements TrafficRouter {
  readonly type = 'command' as const;
  readonly target = 'fake router';
  readonly weights: number[] = [];
  current = 0;
  /** Weights whose setWeight fails, with whether traffic changed anyway. */
  failOn = new Map<number, boolean | undefined>();
  verify: (weight: number) => boolean | undefined = (weight) => this.current === weight;

  async setWeight(weight: number): Promise<void> {
    if (this.failOn.has(weight)) {
      throw new TrafficRouterError(`nginx configuration test failed for ${weight}`, this.failOn.get(weight));
    }
    this.weights.push(weight);
    this.current = weight;
  }
  async verifyWeight(weight: number) {
    return this.verify(weight);
  }
  reset(): Promise<void> {
    return this.setWeight(0);
  }
}

/** What each track shows at a weight; `error` makes the measurement fail. */
export type Scene = (track: Track, weight: number, call: number) => TrackMeasurement | { error: string };

/** A provider that waits out the window on the ManualClock and answers from a scene. */
export class ScriptedMetrics implements MetricProvider {
  readonly type = 'prometheus' as const;
  readonly windows: MeasureWindow[] = [];
  private calls = 0;
  constructor(
    private readonly clock: ManualClock,
    private readonly router: FakeRouter,
    private readonly scene: Scene
  ) {}
  async measure(track: Track, window: MeasureWindow): Promise<TrackMeasurement> {
    if (track === 'canary') this.windows.push(window);
    const wait = window.end - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
    const answer = this.scene(track, this.router.current, this.calls++);
    if ('error' in answer) throw new MetricError(answer.error, 'unavailable');
    return answer;
  }
}

export const healthy = (requests = 300, errors = 0, p99Ms = 40): TrackMeasurement => ({
  requests,
  errors,
  p99Ms
});
