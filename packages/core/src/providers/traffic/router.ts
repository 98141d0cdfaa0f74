/**
 * Traffic routers move the canary's share of traffic; they never decide. The interface mirrors
 * argo-rollouts' traffic routing reconcilers: set a weight, verify it (`undefined` when the router
 * cannot tell, like argo's nil *bool), reset to all-stable.
 */
export interface TrafficRouter {
  readonly type: 'nginx' | 'command';
  /** Where the router acts, for logs and reports (never a secret). */
  readonly target: string;
  /**
   * Checks what can be checked before any traffic moves (a directory that does not exist).
   * Throws ConfigurationError.
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
