import { describe, expect, it } from '@jest/globals';
import { compareProportions } from '../../src/stats/proportions.ts';

describe('compareProportions', () => {
  it('computes the Agresti–Caffo z by its formula', () => {
    const result = compareProportions({ failures: 18, total: 300 }, { failures: 3, total: 300 });
    const a = 19 / 302;
    const b = 4 / 302;
    const z = (a - b) / Math.sqrt((a * (1 - a)) / 302 + (b * (1 - b)) / 302);
    expect(result.z).toBeCloseTo(z, 12);
    expect(result.rateA).toBeCloseTo(0.06, 12);
    expect(result.rateB).toBeCloseTo(0.01, 12);
    expect(result.difference).toBeCloseTo(0.05, 12);
    expect(result.pValue).toBeLessThan(0.002);
  });

  it.each([
    ['no failures anywhere', 0, 40, 0, 40, 0.4, 0.6],
    ['one failure in a small sample is noise', 1, 40, 0, 40, 0.1, 0.5],
    ['equal rates', 5, 100, 5, 100, 0.45, 0.55],
    ['A better than B', 0, 300, 30, 300, 0.99, 1],
    ['A clearly worse', 30, 300, 0, 300, 0, 1e-6]
  ])('%s', (_name, fa, na, fb, nb, min, max) => {
    const { pValue } = compareProportions({ failures: fa, total: na }, { failures: fb, total: nb });
    expect(pValue).toBeGreaterThanOrEqual(min);
    expect(pValue).toBeLessThanOrEqual(max);
  });

  it('handles empty samples without dividing by zero', () => {
    const result = compareProportions({ failures: 0, total: 0 }, { failures: 0, total: 0 });
    expect(result.rateA).toBe(0);
    expect(result.pValue).toBeCloseTo(0.5, 12);
  });
});
