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
