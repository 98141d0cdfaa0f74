/**
 * What a scenario is: a name, what it shows, and a run that rehearses one or more workflows
 * against a world it may set up, and says whether they behaved as the scenario means.
 */
import type { GitHubFake } from '../../action-tests/fakes/github/index.ts';
import type { RehearsalResult, RehearsalWorld, RehearseOptions } from '../engine/index.ts';

export interface ScenarioContext {
  github: GitHubFake;
  world: RehearsalWorld;
  /** `rehearse` with the GitHub fake, the world and a fresh run folder filled in. */
  rehearse(options: Omit<RehearseOptions, 'github' | 'world' | 'runDir'>): Promise<RehearsalResult>;
  /** A line for the terminal. */
  log(line: string): void;
}

export interface ScenarioOutcome {
  /** True when every rehearsal behaved as the scenario means (a meant failure included). */
  ok: boolean;
  results: RehearsalResult[];
  /** What went otherwise than meant, one line each. */
  problems: string[];
}

export interface Scenario {
  name: string;
  description: string;
  run(context: ScenarioContext): Promise<ScenarioOutcome>;
}
