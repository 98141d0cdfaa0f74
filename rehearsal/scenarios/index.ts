// The scenarios `npm run rehearse -- --scenario NAME` knows (re-exports only; the lead adds the
// pipeline's scenarios here).
import { engineSmoke } from './engine-smoke.ts';
import { pipelineScenarios } from './pipeline.ts';
import type { Scenario } from './scenario.ts';

export type { Scenario, ScenarioContext, ScenarioOutcome } from './scenario.ts';

export const scenarios: readonly Scenario[] = [engineSmoke, ...pipelineScenarios];
