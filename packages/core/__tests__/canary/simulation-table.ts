/**
 * Prints the simulation table of docs/adrs/0004-canary-analysis.md and the README (Markdown), from
 * the same seeded scenarios the simulation test asserts on:
 * `node packages/core/__tests__/canary/simulation-table.ts` (Node 24 runs TypeScript directly).
 */
import {
  ANALYSES,
  EQUAL_SCENARIOS,
  REGRESSION_SCENARIOS,
  simulateScenario,
  type AnalysisName
} from './simulate.ts';

const TITLES: Record<AnalysisName, string> = {
  sequential: 'anytime-valid (now)',
  bonferroni: 'Bonferroni (before)',
  kayenta: 'Kayenta-style',
  argo: 'Argo-style'
};
const percent = (count: number, runs: number) => `${((100 * count) / runs).toFixed(1)}%`;
const intervals = (value: number) => (Number.isFinite(value) ? String(Number(value.toFixed(2))) : 'never');
const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

const lines = [
  '**False rollbacks on equal tracks** (share of runs rolled back; promoted in brackets when not all the rest)',
  '',
  row(['scenario', 'runs', ...ANALYSES.map((name) => TITLES[name])]),
  row(Array(2 + ANALYSES.length).fill('---')),
  ...EQUAL_SCENARIOS.map((scenario) => {
    const result = simulateScenario(scenario);
    return row([
      scenario.name,
      String(scenario.runs),
      ...ANALYSES.map((name) => {
        const { rollbacks, promotions, runs } = result[name];
        return `${percent(rollbacks, runs)}${rollbacks + promotions < runs ? ` (promoted ${percent(promotions, runs)})` : ''}`;
      })
    ]);
  }),
  '',
  '**Regressions** (median 30-second intervals to the rollback / share rolled back within two intervals / share rolled back at all)',
  '',
  row([
    'scenario',
    'runs',
    ...ANALYSES.map((name) => TITLES[name]),
    'oracle (intervals for 80% / power at two)'
  ]),
  row(Array(3 + ANALYSES.length).fill('---')),
  ...REGRESSION_SCENARIOS.map((scenario) => {
    const result = simulateScenario(scenario);
    const oracle = scenario.oracle!;
    return row([
      scenario.name,
      String(scenario.runs),
      ...ANALYSES.map((name) => {
        const { medianToStop, rollbacksWithinTwo, rollbacks, runs } = result[name];
        return `${intervals(medianToStop)} / ${percent(rollbacksWithinTwo, runs)} / ${percent(rollbacks, runs)}`;
      }),
      `${oracle.intervalsFor80.toFixed(2)} / ${(100 * oracle.powerAtTwo).toFixed(1)}%`
    ]);
  })
];
console.log(lines.join('\n'));
