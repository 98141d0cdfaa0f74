import { describe, expect, it } from '@jest/globals';
import {
  INTERVAL_ALPHA,
  SEQUENTIAL_ALPHA,
  addEvidence,
  assessWeight,
  emptyEvidence,
  evaluateMeasurement,
  referenceBaseline,
  type AnalysisSettings,
  type MeasurementEvaluation,
  type MeasurementStatus
} from '../../src/canary/analysis.ts';
import type { TrackMeasurement } from '../../src/providers/metrics/provider.ts';
import { ANALYSIS_DEFAULTS } from './fakes.ts';

const settings: AnalysisSettings = { ...ANALYSIS_DEFAULTS, looksPerWeight: 10 };

const track = (
  requests: number,
  errors: number,
  p99Ms = 40,
  extra?: Record<string, number>
): TrackMeasurement => ({
  requests,
  errors,
  p99Ms,
  ...(extra ? { extra } : {})
});

/** Latencies 10..10+n-1 ms, scaled: a sample whose distribution we control exactly. */
const latencies = (n: number, scale = 1, offset = 0) =>
  Array.from({ length: n }, (_, i) => (10 + (i % 50)) * scale + offset);

function evaluate(
  canary: TrackMeasurement,
  baseline: TrackMeasurement,
  options: { settings?: Partial<AnalysisSettings>; evidence?: 'none' | 'this' } = {}
) {
  const s = { ...settings, ...options.settings };
  const evidence =
    options.evidence === 'none' ? emptyEvidence() : addEvidence(emptyEvidence(), canary, baseline);
  return evaluateMeasurement(s, { canary, baseline, evidence });
}

describe('evaluateMeasurement: one window, canary against baseline', () => {
  it.each<[string, TrackMeasurement, TrackMeasurement, MeasurementStatus, RegExp]>([
    ['equal tracks pass', track(300, 3), track(300, 3), 'pass', /2 checks passed/],
    [
      'a canary 5 points worse fails',
      track(300, 18),
      track(300, 3),
      'fail',
      /error-rate: canary 6% vs baseline 1%/
    ],
    // 3 errors of 60 is 5% against 0%: above the limit, but 3 errors prove little.
    ['a difference within noise passes', track(60, 3), track(60, 0), 'pass', /within noise/],
    [
      'a significant difference under the limit passes',
      track(20000, 140),
      track(20000, 40),
      'pass',
      /within the limit/
    ],
    [
      'too few canary requests are inconclusive',
      track(49, 0),
      track(300, 0),
      'inconclusive',
      /canary served 49 requests, fewer than min-requests \(50\)/
    ],
    [
      'too few baseline requests with no earlier baseline are inconclusive',
      track(300, 0),
      track(10, 0),
      'inconclusive',
      /no earlier baseline/
    ],
    [
      'a p99 far above the ratio fails without samples (Prometheus)',
      track(300, 0, 400),
      track(300, 0, 40),
      'fail',
      /p99: canary 400 ms vs baseline 40 ms \(×10\)/
    ],
    [
      'a p99 ratio above the limit but within min-p99-delta passes',
      track(300, 0, 6),
      track(300, 0, 2),
      'pass',
      /within the limit/
    ],
    [
      'tracks that both fail nearly everything (a wrong probe path, an outage) are inconclusive',
      track(300, 300),
      track(300, 300),
      'inconclusive',
      /baseline itself fails 50% or more/
    ],
    [
      'a canary clearly worse than a broken baseline still fails',
      track(300, 300),
      track(300, 160),
      'fail',
      /error-rate: canary 100% vs baseline 53/
    ],
    [
      'a missing canary p99 is an error, never a pass',
      { requests: 300, errors: 0 },
      track(300, 0),
      'error',
      /no p99 latency for the canary/
    ]
  ])('%s', (_name, canary, baseline, status, reason) => {
    const result = evaluate(canary, baseline, { evidence: 'none' });
    expect(result.status).toBe(status);
    expect([result.reason, ...result.checks.map((c) => c.detail)].join('\n')).toMatch(reason);
    expect(result.stop).toBe(false);
  });

  it('fails p99 only when the rank test agrees the canary is slower (probe)', () => {
    const base = latencies(300);
    // Same distribution, one outlier: p99 doubles, but overall the canary is not slower.
    const spiky = [...base.slice(0, 294), 200, 200, 200, 200, 200, 200];
    const noise = evaluate(
      { requests: 300, errors: 0, p99Ms: 200, latenciesMs: spiky },
      { requests: 300, errors: 0, p99Ms: 59, latenciesMs: base },
      { evidence: 'none' }
    );
    expect(noise.checks.find((c) => c.name === 'p99')).toMatchObject({ status: 'pass' });
    expect(noise.checks.find((c) => c.name === 'p99')?.detail).toMatch(/not slower overall \(Mann-Whitney/);
    const slow = evaluate(
      { requests: 300, errors: 0, p99Ms: 118, latenciesMs: latencies(300, 2) },
      { requests: 300, errors: 0, p99Ms: 59, latenciesMs: base },
      { evidence: 'none' }
    );
    expect(slow.status).toBe('fail');
    expect(slow.checks.find((c) => c.name === 'p99')?.pValue).toBeLessThan(INTERVAL_ALPHA);
  });

  it('evaluates extra checks on the canary, showing the baseline', () => {
    const checks = [
      { name: 'checkout-rate', query: 'q', operator: '>' as const, threshold: 0.5 },
      { name: 'memory', query: 'q', operator: '<=' as const, threshold: 100 }
    ];
    const result = evaluate(
      track(300, 0, 40, { 'checkout-rate': 0.2, memory: 90 }),
      track(300, 0, 40, { 'checkout-rate': 0.9 }),
      {
        settings: { extraChecks: checks },
        evidence: 'none'
      }
    );
    expect(result.status).toBe('fail');
    expect(result.checks.map((c) => [c.name, c.status])).toEqual([
      ['error-rate', 'pass'],
      ['p99', 'pass'],
      ['checkout-rate', 'fail'],
      ['memory', 'pass']
    ]);
    expect(result.reason).toBe('checkout-rate: canary 0.2 does not satisfy > 0.5 (baseline 0.9)');
    const missing = evaluate(track(300, 0), track(300, 0), {
      settings: { extraChecks: checks },
      evidence: 'none'
    });
    expect(missing.status).toBe('error');
  });

  it('records a provider failure as an error measurement', () => {
    const result = evaluateMeasurement(settings, {
      failure: 'prometheus did not answer',
      evidence: emptyEvidence()
    });
    expect(result).toMatchObject({
      status: 'error',
      reason: 'no measurement: prometheus did not answer',
      stop: false
    });
  });

  it('compares with the earlier baseline when the stable version serves too little (weight 100)', () => {
    const reference = { requests: 3000, errors: 3, p99Ms: 40, measurements: 10 };
    const good = evaluateMeasurement(settings, {
      canary: track(300, 1),
      baseline: track(0, 0),
      evidence: addEvidence(emptyEvidence(), track(300, 1), track(0, 0)),
      reference
    });
    expect(good).toMatchObject({ status: 'pass', baselineFrom: 'reference' });
    const bad = evaluateMeasurement(settings, {
      canary: track(300, 30),
      baseline: track(0, 0),
      evidence: addEvidence(emptyEvidence(), track(300, 30), track(0, 0)),
      reference
    });
    expect(bad).toMatchObject({ status: 'fail', stop: true, baselineFrom: 'reference' });
  });
});

describe('the sequential test over a weight', () => {
  it.each([10, 1000])('spends the whole budget at every look, whatever the looks planned (%p)', (looks) => {
    const result = evaluateMeasurement(
      { ...settings, looksPerWeight: looks },
      {
        canary: track(300, 0),
        baseline: track(300, 0),
        evidence: addEvidence(emptyEvidence(), track(300, 0), track(300, 0))
      }
    );
    expect(result.sequential.map((l) => [l.metric, l.test, l.alpha])).toEqual([
      ['error-rate', 'error rates', SEQUENTIAL_ALPHA],
      ['p99', 'p99 log ratio', SEQUENTIAL_ALPHA]
    ]);
  });

  it('stops a clearly worse canary at once, even when this window alone is inconclusive, and says why in plain words', () => {
    let evidence = emptyEvidence();
    // Two windows: the second is below min-requests on its own, the weight's total is not.
    evidence = addEvidence(evidence, track(300, 30), track(300, 0));
    const canary = track(40, 8);
    evidence = addEvidence(evidence, canary, track(300, 0));
    const result = evaluateMeasurement(settings, { canary, baseline: track(300, 0), evidence });
    expect(result.stop).toBe(true);
    expect(result.status).toBe('fail');
    expect(result.reason).toBe(
      'stopped early: the canary fails 11.176% of requests against 0% on the stable version, 11.18 points more where 1 is allowed; it is worse with 99% confidence after 340 canary and 600 stable requests'
    );
    expect(result.sequential[0]!.eValue).toBeGreaterThanOrEqual(1 / SEQUENTIAL_ALPHA);
  });

  it.each<[string, number, number, boolean]>([
    // Certainly worse, but by less than the limit: never stopped, however much evidence.
    ['0.5 pp worse over 100 000 requests', 1500, 1000, false],
    ['2 pp worse over 100 000 requests', 3000, 1000, true],
    // Over the limit as observed, but 40 requests are too few to be sure.
    ['the same share over 40 requests', 0, 0, false]
  ])('error rate: %s → stop %p', (_name, canaryErrors, baselineErrors, stop) => {
    const requests = canaryErrors === 0 ? 60 : 100_000;
    const canary = canaryErrors === 0 ? track(requests, 2) : track(requests, canaryErrors);
    const baseline = track(requests, baselineErrors);
    const result = evaluateMeasurement(settings, {
      canary,
      baseline,
      evidence: addEvidence(emptyEvidence(), canary, baseline)
    });
    expect(result.sequential[0]!.stop).toBe(stop);
  });

  it.each<[string, number[], boolean]>([
    ['p99 1.5× in eight looks', [1.45, 1.5, 1.6, 1.5, 1.55, 1.4, 1.5, 1.6], true],
    ['p99 1.5× in two looks: too few to estimate the spread', [1.45, 1.5], false],
    ['p99 1.1× in eight looks: under the limit', [1.1, 1.05, 1.15, 1.1, 1.1, 1.05, 1.15, 1.1], false],
    ['p99 1.5× on average but all over the place', [3, 0.9, 2.5, 0.8, 1.0, 1.4, 2, 0.9], false]
  ])('Prometheus (one p99 per look): %s → stop %p', (_name, ratios, stop) => {
    let evidence = emptyEvidence();
    let last: { canary: TrackMeasurement; baseline: TrackMeasurement } | undefined;
    for (const ratio of ratios) {
      last = { canary: track(300, 0, 40 * ratio), baseline: track(300, 0, 40) };
      evidence = addEvidence(evidence, last.canary, last.baseline);
    }
    const result = evaluateMeasurement(settings, { ...last!, evidence });
    const look = result.sequential.find((l) => l.metric === 'p99');
    expect(look).toMatchObject({ test: 'p99 log ratio', stop });
  });

  it('does not run below min-requests in total', () => {
    const result = evaluate(track(30, 30), track(30, 0));
    expect(result.sequential).toEqual([]);
    expect(result.status).toBe('inconclusive');
  });

  it('tests latency on every sample of the weight', () => {
    const slow = { requests: 300, errors: 0, p99Ms: 180, latenciesMs: latencies(300, 3) };
    const base = { requests: 300, errors: 0, p99Ms: 59, latenciesMs: latencies(300) };
    const result = evaluate(slow, base);
    const look = result.sequential.find((l) => l.metric === 'p99');
    expect(look).toMatchObject({ test: 'latency ranks', canary: 177, baseline: 59, stop: true });
  });
});

const measured = (status: MeasurementStatus, stop = false): MeasurementEvaluation => ({
  status,
  reason: `${status} reason`,
  checks: [],
  sequential: [],
  stop,
  baselineFrom: 'measured'
});

describe('assessWeight', () => {
  const s = { ...settings, looksPerWeight: 4 };
  it.each<[string, MeasurementStatus[], string, RegExp]>([
    ['keeps measuring', ['pass', 'pass'], 'running', /2 of 4/],
    [
      'promotes after every planned measurement',
      ['pass', 'pass', 'pass', 'pass'],
      'promote',
      /4 of 4 measurements passed/
    ],
    [
      'tolerates failure-limit failures',
      ['pass', 'fail', 'pass', 'pass'],
      'promote',
      /1 failed \(within failure-limit 1\)/
    ],
    [
      'rolls back on one failure more',
      ['fail', 'pass', 'fail'],
      'rollback',
      /2 failed measurements \(failure-limit 1\); last: fail reason/
    ],
    ['tolerates inconclusive-limit unknowns', ['inconclusive', 'pass', 'pass', 'pass'], 'promote', /3 of 4/],
    [
      'ends inconclusive on one unknown more',
      ['error', 'pass', 'inconclusive'],
      'inconclusive',
      /2 measurements were inconclusive or failed to measure \(inconclusive-limit 1\)/
    ],
    ['never promotes without a pass', ['fail', 'inconclusive', 'pass', 'pass'], 'promote', /2 of 4/]
  ])('%s', (_name, statuses, status, reason) => {
    const result = assessWeight(
      s,
      statuses.map((st) => measured(st))
    );
    expect(result.status).toBe(status);
    expect(result.reason).toMatch(reason);
  });

  it('never promotes when nothing passed', () => {
    const result = assessWeight({ ...s, looksPerWeight: 2, inconclusiveLimit: 2, failureLimit: 0 }, [
      measured('inconclusive'),
      measured('error')
    ]);
    expect(result.status).toBe('inconclusive');
    expect(result.reason).toMatch(/no measurement passed/);
  });

  it('rolls back at once on a sequential stop, whatever failure-limit says', () => {
    const result = assessWeight({ ...s, failureLimit: 5 }, [measured('pass'), measured('fail', true)]);
    expect(result).toEqual({ status: 'rollback', reason: 'measurement 2: fail reason' });
  });
});

describe('referenceBaseline', () => {
  it('pools the measurements with enough requests; p99 is their median', () => {
    expect(
      referenceBaseline(
        [
          { requests: 300, errors: 3, p99Ms: 40 },
          { requests: 10, errors: 10, p99Ms: 900 },
          { requests: 200, errors: 1, p99Ms: 60 },
          { requests: 100, errors: 0, p99Ms: 50 }
        ],
        50
      )
    ).toEqual({ requests: 600, errors: 4, p99Ms: 50, measurements: 3 });
    expect(referenceBaseline([{ requests: 10, errors: 0 }], 50)).toBeUndefined();
  });
});
