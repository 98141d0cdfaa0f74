import { describe, expect, it } from '@jest/globals';
import { erfc, normalCdf, normalUpperTail } from '../../src/stats/normal.ts';

describe('normalUpperTail', () => {
  // Reference values: Python's math.erfc(z / sqrt(2)) / 2 (correctly rounded libm).
  it.each([
    [-3, 0.9986501019683699],
    [0, 0.5],
    [1, 0.15865525393145707],
    [1.645, 0.04998490553912137],
    [1.96, 0.024997895148220435],
    [2.326, 0.01000927534086767],
    [3, 0.0013498980316300957],
    [3.09, 0.0010007824766140113],
    [4, 3.1671241833119965e-5],
    [5, 2.866515718791946e-7],
    [8, 6.220960574271819e-16],
    [20, 2.7536241186063314e-89]
  ])('P(Z > %p) = %p to 10 significant digits', (z, expected) => {
    expect(normalUpperTail(z)).toBeCloseTo(expected, 12);
    expect(Math.abs(normalUpperTail(z) / expected - 1)).toBeLessThan(1e-10);
  });

  it.each([
    [2.9999, 2.210442648216091e-5],
    [3.0, 2.2090496998585438e-5],
    [3.0001, 2.2076575870193304e-5]
  ])('erfc(%p) is exact on both sides of the switch from series to continued fraction', (x, expected) => {
    expect(Math.abs(erfc(x) / expected - 1)).toBeLessThan(1e-10);
  });

  it('is symmetric and complements the cdf', () => {
    for (const z of [0.3, 1.7, 2.9, 4.2]) {
      expect(normalUpperTail(-z)).toBeCloseTo(1 - normalUpperTail(z), 14);
      expect(normalCdf(z)).toBeCloseTo(1 - normalUpperTail(z), 14);
    }
  });

  it('passes NaN through', () => {
    expect(normalUpperTail(Number.NaN)).toBeNaN();
  });
});
