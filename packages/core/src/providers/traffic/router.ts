/**
 * Traffic routers move the canary's share of traffic; they never decide. The interface mirrors
 * argo-rollouts' traffic routing reconcilers: set a weight, verify it (`undefined` when the router
 * cannot tell, like argo's nil *bool), reset to all-stable. Each router lives in one module that
 * also describes itself (argo's `Type()` and `GetMetadata()`): its inputs, its spec, its advice.
 */
import type { z } from 'zod';
import type { Exec } from '../../exec/exec.ts';
import type { Logger } from '../../logger.ts';
import type { TrafficRouterType } from './registry.ts';

export interface TrafficRouter {
  readonly type: TrafficRouterType;
  /** Where the router acts, for logs and reports (never a secret). */
  readonly target: string;
  /**
   * Checks what can be checked before any traffic moves (a directory that does not exist, a
   * runtime API that does not answer). Throws ConfigurationError.
   */
  preflight?(): Promise<void>;
  /** Sends `weight` percent (0-100) of traffic to the canary. Throws TrafficRouterError. */
  setWeight(weight: number): Promise<void>;
  /** Whether the canary's weight is now `weight`; undefined when the router cannot verify. */
  verifyWeight(weight: number): Promise<boolean | undefined>;
  /** All traffic back to stable: weight 0. */
  reset(): Promise<void>;
}

/**
 * Setting a weight failed. `trafficChanged` says whether traffic may have moved anyway: false when
 * the router knows it did not (nginx restored its file and never reloaded), undefined when it
 * cannot know (a command that failed halfway).
 */
export class TrafficRouterError extends Error {
  override name = 'TrafficRouterError';
  constructor(
    message: string,
    readonly trafficChanged: boolean | undefined
  ) {
    super(message);
  }
}

/** What every router gets to act with. */
export interface TrafficRouterDeps {
  exec: Exec;
  logger?: Logger;
}

/** The inputs every router may use, beside its own. */
export interface SharedRouterInputValues {
  /** Time limit of each router command or call, in milliseconds. */
  'command-timeout': number;
}

/** How a router's input rules report a problem, naming the input. */
export interface RouterInputCheck<Name extends string> {
  /** The input is required with this router; `what` says what it should hold. */
  need(input: Name, what: string): void;
  /** The input's value does not fit with the others. */
  problem(input: Name, message: string): void;
}

/**
 * One traffic router, described by its module: adding a router is one such module, one line in
 * registry.ts, its inputs in the action.yml files that move traffic, and its docs.
 */
export interface TrafficRouterModule<
  Type extends string,
  Inputs extends z.ZodRawShape,
  Spec extends { type: Type }
> {
  /** The `router` input's value that selects it. */
  readonly type: Type;
  /** What it drives and how, in one sentence (docs and reports). */
  readonly description: string;
  /** Its own inputs as zod fragments, by their action.yml names (prefixed with the router's name). */
  readonly inputs: Inputs;
  /** Its spec: what toSpec builds, and what main saves for the post step to read back. */
  readonly spec: z.ZodType<Spec> & z.core.$ZodTypeDiscriminable;
  /** The rules between its inputs (which are required, which must differ). */
  checkInputs(values: z.output<z.ZodObject<Inputs>>, check: RouterInputCheck<keyof Inputs & string>): void;
  /** Its spec from inputs that passed checkInputs. */
  toSpec(values: z.output<z.ZodObject<Inputs>> & SharedRouterInputValues): Spec;
  create(spec: Spec, deps: TrafficRouterDeps): TrafficRouter;
  /** What a person should do when it could not change the weight. */
  readonly adviceWhenNotApplied: string;
}

/** Declares a router module, inferring its types from the object (no annotation needed). */
export function defineTrafficRouter<
  const Type extends string,
  Inputs extends z.ZodRawShape,
  Spec extends { type: Type }
>(module: TrafficRouterModule<Type, Inputs, Spec>): TrafficRouterModule<Type, Inputs, Spec> {
  return module;
}
