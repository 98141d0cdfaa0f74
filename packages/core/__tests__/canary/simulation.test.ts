/**
 * The goals of issue 14, shown by seeded simulation (simulate.ts): four analyses judge the same
 * traffic, and each regression is compared with the oracle (a fixed-sample test told the sample
 * size it needs). The tests assert the goals that are met; docs/adrs/0004-canary-analysis.md has
 * the whole table (`node packages/core/__tests__/canary/simulation-table.ts` prints it) and
 * explains the misses with the numbers.
 */
import { describe, expect, it } from '@jest/globals';
import {
  EQUAL_SCENARIOS,
  REGRESSION_SCENARIOS,
  simulateScenario,
  type AnalysisName,
  type AnalysisSummary,
  type Scenario
} from './simulate.ts';

const results = new Map<string, Record<AnalysisName, AnalysisSummary>>();
function resultOf(name: string): Record<AnalysisName, AnalysisSummary> {
  const scenario: Scenario | undefined = [...EQUAL_SCENARIOS, ...REGRESSION_SCENARIOS].find(
    (s) => s.name === name
  );
  if (!scenario) throw new Error(`no scenario ${name}`);
  if (!results.has(name)) results.set(name, simulateScenario(scenario));
  return results.get(name)!;
}

describe('equal tracks: false rollbacks', () => {
  it.each(EQUAL_SCENARIOS.map((s) => [s.name]))('%s: at most 1%', (name) => {
    const { sequential } = resultOf(name);
    expect(sequential.runs).toBeGreaterThanOrEqual(1000);
    expect(sequential.rollbacks).toBeLessThanOrEqual(sequential.runs / 100);
  });

  it.each(EQUAL_SCENARIOS.filter((s) => s.canary.requests >= 50).map((s) => [s.name]))(
    '%s: no more false rollbacks than the Kayenta-style and Argo-style analyses',
    (name) => {
      const result = resultOf(name);
      expect(result.sequential.rollbacks).toBeLessThanOrEqual(result.kayenta.rollbacks);
      expect(result.sequential.rollbacks).toBeLessThanOrEqual(result.argo.rollbacks);
    }
  );

  it('1 request/s on the canary: never promoted on too little data', () => {
    const result = resultOf('equal, 1 request/s on the canary');
    expect(result.sequential.promotions).toBe(0);
  });
});

describe('regressions against the oracle', () => {
  it.each([['5 pp: 6% vs 1%'], ['5 pp: 7% vs 2%'], ['latency ×1.5']])(
    '%s: stopped within two intervals at least 0.8 × as often as the oracle has power there',
    (name) => {
      const { sequential } = resultOf(name);
      const oracle = REGRESSION_SCENARIOS.find((s) => s.name === name)!.oracle!;
      expect(sequential.rollbacksWithinTwo / sequential.runs).toBeGreaterThanOrEqual(0.8 * oracle.powerAtTwo);
    }
  );

  it.each([['2 pp: 3% vs 1%'], ['2 pp: 3% vs 1%, 30 looks of 10 s']])(
    '%s: median time to stop at most 1.3 × the oracle’s',
    (name) => {
      const { sequential } = resultOf(name);
      const oracle = REGRESSION_SCENARIOS.find((s) => s.name === name)!.oracle!;
      expect(sequential.medianToStop).toBeLessThanOrEqual(1.3 * oracle.intervalsFor80);
    }
  );

  it.each(REGRESSION_SCENARIOS.map((s) => [s.name]))(
    '%s: rolled back by the end in at least 99% of runs',
    (name) => {
      const { sequential } = resultOf(name);
      expect(sequential.rollbacks).toBeGreaterThanOrEqual(0.99 * sequential.runs);
    }
  );

  it('with many looks the anytime-valid test stops no later than the split budget did', () => {
    const result = resultOf('2 pp: 3% vs 1%, 30 looks of 10 s');
    expect(result.sequential.medianToStop).toBeLessThan(result.bonferroni.medianToStop);
  });
});
