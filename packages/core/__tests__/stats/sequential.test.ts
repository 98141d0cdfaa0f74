import { describe, expect, it } from '@jest/globals';
import {
  MIN_RATIO_LOOKS,
  oneSidedMixtureEValue,
  sequentialLogRatioTest,
  sequentialProportionTest,
  sequentialRankTest
} from '../../src/stats/sequential.ts';
import { seededRandom } from '../canary/simulate.ts';

/** The mixture by its definition: ∫₀^∞ exp(λS − λ²V/2)·2φ(λ/τ)/τ dλ, by the midpoint rule. */
function mixtureByQuadrature(z: number, standardError: number, scale: number): number {
  const information = 1 / standardError ** 2;
  const sum = z * Math.sqrt(information);
  const upper = 12 * scale;
  const steps = 200_000;
  const width = upper / steps;
  let total = 0;
  for (let i = 0; i < steps; i++) {
    const lambda = (i + 0.5) * width;
    const density = (2 / (scale * Math.sqrt(2 * Math.PI))) * Math.exp(-0.5 * (lambda / scale) ** 2);
    total += Math.exp(lambda * sum - (lambda * lambda * information) / 2) * density * width;
  }
  return total;
}

describe('oneSidedMixtureEValue', () => {
  it.each([
    [0, 0.01, 0.02],
    [2, 0.01, 0.02],
    [3.5, 0.008, 0.02],
    [-1.5, 0.01, 0.02],
    [4, 0.02, 0.1]
  ])('matches its integral at z %p, standard error %p, scale %p', (z, se, scale) => {
    expect(oneSidedMixtureEValue(z, se, scale)).toBeCloseTo(mixtureByQuadrature(z, se, scale), 6);
  });

  it('grows with the evidence and stays below 1 against it', () => {
    expect(oneSidedMixtureEValue(-3, 0.01, 0.02)).toBeLessThan(0.2);
    expect(oneSidedMixtureEValue(2, 0.01, 0.02)).toBeLessThan(oneSidedMixtureEValue(3, 0.01, 0.02));
    expect(oneSidedMixtureEValue(4, 0.008, 0.02)).toBeGreaterThan(100);
  });

  it('is 1 (no evidence) without a standard error', () => {
    expect(oneSidedMixtureEValue(3, 0, 0.02)).toBe(1);
  });
});

describe('sequentialProportionTest', () => {
  it('does not blame the smaller sample for being small', () => {
    // The same rate on 50 and 450 requests: no effect at all.
    const result = sequentialProportionTest({ failures: 1, total: 50 }, { failures: 9, total: 450 }, 0.02);
    expect(result.effect).toBe(0);
    expect(result.eValue).toBeLessThan(1);
  });

  it('finds 6% against 1% over 600 requests each', () => {
    const result = sequentialProportionTest({ failures: 36, total: 600 }, { failures: 6, total: 600 }, 0.02);
    expect(result.effect).toBeCloseTo(0.05, 10);
    expect(result.eValue).toBeGreaterThan(100);
  });

  it('has no evidence without requests', () => {
    expect(sequentialProportionTest({ failures: 0, total: 0 }, { failures: 0, total: 10 }, 0.02).eValue).toBe(
      1
    );
  });

  it('rarely ever reaches 1/α on equal tracks, however often it looks (1000 walks of 200 looks)', () => {
    const random = seededRandom(7);
    let crossed = 0;
    for (let run = 0; run < 1000; run++) {
      const a = { failures: 0, total: 0 };
      const b = { failures: 0, total: 0 };
      for (let look = 0; look < 200; look++) {
        for (let i = 0; i < 100; i++) {
          a.total++;
          b.total++;
          if (random() < 0.02) a.failures++;
          if (random() < 0.02) b.failures++;
        }
        if (sequentialProportionTest(a, b, 0.02).eValue >= 100) {
          crossed++;
          break;
        }
      }
    }
    expect(crossed).toBeLessThanOrEqual(10);
  });
});

describe('sequentialRankTest', () => {
  it.each<[number, number, number, boolean]>([
    [0.5, 300, 300, false],
    [0.6, 300, 300, true],
    [0.55, 300, 300, false],
    [0.55, 3000, 3000, true]
  ])('P(canary slower) %p over %p and %p latencies: e ≥ 100 is %p', (probability, a, b, expected) => {
    expect(sequentialRankTest(probability, a, b, 0.1).eValue >= 100).toBe(expected);
  });
});

describe('sequentialLogRatioTest', () => {
  it(`needs ${MIN_RATIO_LOOKS} looks`, () => {
    const steady = (looks: number) =>
      Array.from({ length: looks }, (_, i) => Math.log(2) + (i % 2 ? 0.1 : -0.1));
    expect(sequentialLogRatioTest(steady(MIN_RATIO_LOOKS - 1), 0.1, 4).eValue).toBe(1);
    expect(sequentialLogRatioTest(steady(8), 0.1, 4).eValue).toBeGreaterThan(100);
  });

  it('uses at least the minimum spread when the looks repeat one ratio', () => {
    const result = sequentialLogRatioTest(Array(5).fill(0.05), 0.1, 4);
    expect(result.z).toBeCloseTo(0.05 / (0.1 / Math.sqrt(5)), 10);
  });

  it('rarely ever reaches 1/α on equal tracks, with a spread it must estimate (2000 walks of 30 looks)', () => {
    const random = seededRandom(11);
    const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    let crossed = 0;
    for (let run = 0; run < 2000; run++) {
      const ratios: number[] = [];
      for (let look = 0; look < 30; look++) {
        ratios.push(0.3 * gaussian());
        if (sequentialLogRatioTest(ratios, 0.1, 4).eValue >= 100) {
          crossed++;
          break;
        }
      }
    }
    expect(crossed).toBeLessThanOrEqual(20);
  });
});
