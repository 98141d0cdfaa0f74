/**
 * The engine's public shapes: what a rehearsal is given (the world, the GitHub fake, the event)
 * and what it returns (every job and step with its result, outputs, log and summaries, and the
 * deployments GitHub recorded).
 */
import type { GitHubFake } from '../../action-tests/fakes/github/index.ts';
import type { DeploymentRecord } from '../../action-tests/fakes/github/state.ts';
import type { Annotation } from './commands.ts';
import type { ServiceStarter, StandIn } from './stand-in.ts';

/** What the engine takes from `rehearsal/world` (tests pass small fakes). */
export interface RehearsalWorld {
  standIns: readonly StandIn[];
  startService: ServiceStarter;
  /** Directories put first on PATH for `run:` steps (e.g. the `docker` stand-in). */
  toolsPath(runDir: string): string[];
  /** Stops everything the world started for this run. */
  stopAll(runDir: string): Promise<void>;
}

/** The event a workflow runs for. `workflow_call` runs a reusable workflow as if called. */
export type RehearsalEvent =
  | { name: 'push'; branch?: string }
  | { name: 'workflow_dispatch'; branch?: string; inputs?: Record<string, string | boolean | number> }
  | {
      name: 'workflow_call';
      branch?: string;
      inputs?: Record<string, string | boolean | number>;
      /** The caller's event name (`github.event_name` inside a called workflow). */
      callerEvent?: string;
    };

/** An environment's secrets and variables (Settings → Environments). */
export interface EnvironmentSettings {
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
}

export interface RehearseOptions {
  /** Workflow file relative to `repoRoot`, e.g. `.github/workflows/deploy.yml`. */
  workflow: string;
  event: RehearsalEvent;
  /** `secrets` context (GITHUB_TOKEN is added: the fake's token). */
  secrets?: Record<string, string>;
  /** `vars` context. */
  vars?: Record<string, string>;
  /**
   * Each GitHub environment's own secrets and variables: a job that names the environment sees them
   * over the repository's (`secrets`, `vars`), and no other job does.
   */
  environments?: Record<string, EnvironmentSettings>;
  /** The GitHub API fake: GITHUB_API_URL, the token, and where deployments are recorded. */
  github: GitHubFake;
  world: RehearsalWorld;
  /** The repository whose workflows and actions run (default: this repository). */
  repoRoot?: string;
  /** Folder for everything of this run (created if missing; default: a new temporary folder). */
  runDir?: string;
  /** `owner/repo` that stands for this repository in `uses:` (default `octo-org/deploy-actions`). */
  actionRepository?: string;
  /** Commit the run is for (default: the branch's sha in the fake, else a fixed sha). */
  sha?: string;
  actor?: string;
  /**
   * Aborting it cancels the run (Ctrl-C): every process a step started is killed, and no further
   * step, post step or job starts. The rehearsal then resolves with the jobs as far as they got.
   */
  signal?: AbortSignal;
  /**
   * Aborting it cancels the run the way GitHub's "Cancel workflow run" does: each running step's
   * process gets SIGINT (SIGTERM 7.5 s later), then only steps whose `if:` holds on cancellation
   * (`always()`, `cancelled()`) and post steps run, under GitHub's cancel timeout; a job not
   * started yet runs only when its `if:` holds on cancellation. Jobs it ended are `cancelled`.
   */
  cancel?: AbortSignal;
  /** Called with every log line as it happens (already masked). */
  onLog?: (line: string) => void;
  /** Environment for steps, before the runner's variables (default: PATH, HOME, LANG of this process). */
  baseEnv?: Record<string, string>;
}

export type Outcome = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface StepResult {
  /** Display name (name:, else `Run <first line>` / `uses`). */
  name: string;
  id: string;
  outcome: Outcome;
  /** `success` when a failed step has continue-on-error. */
  conclusion: Outcome;
  outputs: Record<string, string>;
  durationMs: number;
  /** Set for post steps (`Post <name>`). */
  post?: boolean;
  /** Why it failed, when it did. */
  error?: string;
}

export interface JobResult {
  /** `job` or `caller / called` for jobs of a reusable workflow. */
  id: string;
  name: string;
  result: Outcome;
  outputs: Record<string, string>;
  steps: StepResult[];
  /** Log lines, masked. */
  log: string[];
  /** Each step's GITHUB_STEP_SUMMARY, in step order. */
  summaries: string[];
  annotations: Annotation[];
  durationMs: number;
  /** `runs-on` as written (recorded, not used). */
  runsOn?: string;
  /** `environment.name`, when the job deploys to one. */
  environment?: string;
  /** A failure of this job does not fail the run (`continue-on-error`). */
  continueOnError: boolean;
  /** Why the job failed outside its steps (timeout, service, refusal). */
  error?: string;
}

export interface RehearsalResult {
  workflow: string;
  event: string;
  conclusion: 'success' | 'failure';
  jobs: JobResult[];
  /** A reusable workflow's `outputs:` (workflow_call runs). */
  outputs: Record<string, string>;
  /** Deployments created during the run, in the fake's records. */
  deployments: DeploymentRecord[];
  /** True when `signal` cancelled the run. */
  cancelled: boolean;
  /** Set when the rehearsal stopped on something it cannot run: `file:line:column: ...`. */
  refusal?: string;
  durationMs: number;
  runDir: string;
}
