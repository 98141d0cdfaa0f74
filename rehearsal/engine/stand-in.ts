/** What a third-party action's stand-in (or a service container) gets from the engine. */
export interface StepContext {
  /** `with:` values after expression evaluation, by key as written in the workflow. */
  readonly inputs: Readonly<Record<string, string>>;
  /** The step's full environment (runner + workflow/job/step env + GITHUB_* variables). */
  readonly env: Readonly<Record<string, string>>;
  /** GITHUB_WORKSPACE of the job (a fresh folder per job; checkout fills it). */
  readonly workspace: string;
  /** RUNNER_TEMP of the job. */
  readonly runnerTemp: string;
  /** Folder shared by every job of one rehearsal run (artifacts, image registry, caches). */
  readonly runDir: string;
  setOutput(name: string, value: string): void;
  exportVariable(name: string, value: string): void;
  addPath(dir: string): void;
  appendSummary(markdown: string): void;
  /** One log line; the engine prefixes the job and step. */
  log(line: string): void;
}
export interface StandIn {
  /** `owner/repo` or `owner/repo/path`, matched against `uses:` without the `@ref`. */
  readonly uses: string;
  /** What the real action does, and what this stand-in does instead (shown in --help and the log). */
  readonly description: string;
  /** The `with:` keys it honours; any other key fails the rehearsal at the step's line. */
  readonly inputs: readonly string[];
  /** Throws to fail the step (message shown). */
  run(step: StepContext): Promise<void>;
}
/** A job's `services:` entry, started for the job's lifetime. */
export interface ServiceSpec {
  image: string;
  env: Record<string, string>;
  ports: string[];
  options?: string;
}
export interface RunningService {
  /** container port -> host port, exposed as `job.services.<id>.ports['<port>']`. */
  readonly ports: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}
export type ServiceStarter = (id: string, spec: ServiceSpec, runDir: string) => Promise<RunningService>;
