/** The probe provider: the action sends its own requests to each track and counts what fails. */
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { ConfigurationError, errorMessage } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { decimal, httpUrl } from '../../inputs/fragments.ts';
import { displayUrl, urlCredentials } from '../../redact.ts';
import { percentile } from '../../stats/percentiles.ts';
import {
  defineMetricProvider,
  type MeasureWindow,
  type MetricProvider,
  type Track,
  type TrackMeasurement
} from './provider.ts';

export const probeSpecSchema = z.object({
  type: z.literal('probe'),
  /** Full URLs the probe requests, path included. No canary URL: only the stable track is measured (rollback). */
  canaryUrl: z.string().min(1).optional(),
  stableUrl: z.string().min(1),
  /** Requests per second sent to each track. */
  rps: z.number().positive(),
  /** Limit of one request (default 5 s, never more than the window). */
  timeoutMs: z.number().int().positive().optional()
});

export type ProbeSpec = z.output<typeof probeSpecSchema>;

export interface ProbeDeps {
  http: HttpClient;
  clock: Clock;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Sends GET requests to the track's URL at a fixed rate for the whole window (open loop: a slow
 * answer does not delay the next request, so latency is not under-reported), each on a new
 * connection with `Cache-Control: no-cache`. A request that gets no answer, or an answer other than
 * 2xx/3xx, is an error; the latency of every answer (whatever its status) is kept for the rank test.
 */
export function createProbeProvider(spec: ProbeSpec, deps: ProbeDeps): MetricProvider {
  const urls: Partial<Record<Track, string>> = { stable: spec.stableUrl, canary: spec.canaryUrl };
  return {
    type: 'probe',
    async preflight() {
      // One request to each URL before any traffic moves: a wrong URL is a configuration problem,
      // found while nothing has been changed yet. Any answer will do; the analysis judges statuses.
      for (const track of ['stable', 'canary'] as const) {
        const url = urls[track];
        if (url === undefined) continue;
        try {
          await deps.http.request({ url, timeoutMs: spec.timeoutMs ?? DEFAULT_TIMEOUT_MS });
        } catch (error) {
          throw new ConfigurationError(
            `Input \`probe-${track}-url\`: ${displayUrl(url)} does not answer (${errorMessage(error)}); nothing was changed.`
          );
        }
      }
    },
    async measure(track, window) {
      const url = urls[track];
      if (url === undefined) throw new Error(`the probe has no URL for the ${track} track`);
      return probeTrack(url, spec, window, deps);
    }
  };
}

async function probeTrack(
  url: string,
  spec: ProbeSpec,
  window: MeasureWindow,
  deps: ProbeDeps
): Promise<TrackMeasurement> {
  const spacingMs = 1000 / spec.rps;
  const timeoutMs = Math.min(spec.timeoutMs ?? DEFAULT_TIMEOUT_MS, Math.max(window.durationMs, 100));
  const latenciesMs: number[] = [];
  const errorsByReason: Record<string, number> = {};
  let requests = 0;
  let errors = 0;
  const fail = (reason: string) => {
    errors++;
    errorsByReason[reason] = (errorsByReason[reason] ?? 0) + 1;
  };
  const send = async () => {
    try {
      const response = await deps.http.request({
        url,
        headers: { 'cache-control': 'no-cache' },
        timeoutMs,
        // The body is not read beyond what the status says; keep memory flat at high rates.
        maxBodyBytes: 256 * 1024
      });
      latenciesMs.push(response.latencyMs);
      if (response.status < 200 || response.status >= 400) fail(`HTTP ${response.status}`);
    } catch (error) {
      fail(errorMessage(error));
    }
  };
  const pending: Promise<void>[] = [];
  const start = window.end - window.durationMs;
  // Requests go out on a fixed schedule from the window's start, so timer drift does not add up;
  // after a stall the missed requests go out at once rather than being dropped.
  const planned = Math.max(1, Math.round((window.durationMs * spec.rps) / 1000));
  for (let n = 0; n < planned; n++) {
    const wait = start + n * spacingMs - deps.clock.now();
    if (wait > 0) await deps.clock.sleep(wait);
    requests++;
    pending.push(send());
  }
  await Promise.all(pending);
  const p99 = percentile(latenciesMs, 99);
  return {
    requests,
    errors,
    ...(p99 !== undefined ? { p99Ms: p99 } : {}),
    latenciesMs,
    ...(errors > 0 ? { errorsByReason } : {})
  };
}

/** The probe's module: its inputs, their rules, how reports name it and its advice. */
export const probeProvider = defineMetricProvider({
  type: 'probe',
  description: 'the action sends its own requests to each track',
  inputs: {
    'probe-canary-url': httpUrl().optional(),
    'probe-stable-url': httpUrl().optional(),
    'probe-rps': decimal({ min: 0.1, max: 1000 }).prefault('10')
  },
  secretInputs: { 'probe-canary-url': urlCredentials, 'probe-stable-url': urlCredentials },
  spec: probeSpecSchema,
  checkInputs(_values, check, options) {
    if (!options.stableOnly)
      check.need(
        'probe-canary-url',
        'the URL the probe requests on the canary, e.g. http://10.0.0.12:8000/api/items'
      );
    check.need(
      'probe-stable-url',
      'the URL the probe requests on the stable version, e.g. http://10.0.0.11:8000/api/items'
    );
  },
  toSpec: (values) => ({
    type: 'probe',
    ...(values['probe-canary-url'] !== undefined ? { canaryUrl: values['probe-canary-url'] } : {}),
    stableUrl: values['probe-stable-url']!,
    rps: values['probe-rps']
  }),
  create: createProbeProvider,
  describe: (spec) => ({
    source: `probe at ${spec.rps} requests/s per track: canary ${spec.canaryUrl ? displayUrl(spec.canaryUrl) : 'none'}, stable ${displayUrl(spec.stableUrl)}`,
    extraChecks: []
  }),
  advice: {
    tooFewRequests: 'Too few requests to judge: raise `probe-rps` or `interval`, or lower `min-requests`.',
    noData:
      'The probe could not measure: check that both URLs answer from the runner. The step never promotes without data.'
  }
});
