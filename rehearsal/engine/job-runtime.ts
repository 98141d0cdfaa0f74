/**
 * The state of one running job that its steps read and change: the env context (workflow + job
 * env, then what steps add through GITHUB_ENV), PATH additions, the `steps` context, whether a
 * step failed or the job ran out of time, the post steps to run at the end, and the job's result
 * being filled in (log, summaries, annotations).
 */
import { neutralise } from './commands.ts';
import type { Scope } from './expressions.ts';
import type { RunContext } from './run-context.ts';
import type { JobResult, Outcome } from './types.ts';

export interface StepState {
  outputs: Record<string, string>;
  outcome: Outcome;
  conclusion: Outcome;
}

/**
 * A post step, run when the job ends, last registered first: `runs.post` of one of this repo's
 * actions, or the post of a stand-in whose real action has one.
 */
export interface PostStep {
  name: string;
  /** `runs.post-if` (default `always()`), or `success()` for a stand-in's post. */
  condition: string;
  /** Runs it; resolves whether it passed (and why not). */
  run(timeoutMs: number): Promise<{ ok: boolean; why?: string }>;
}

export interface JobRuntime {
  run: RunContext;
  /** The workflow file the job is in. */
  file: string;
  /** The job's key (GITHUB_JOB). */
  jobKey: string;
  workspace: string;
  runnerTemp: string;
  /** Contexts that do not change during the job (github, inputs, vars, secrets, needs, runner). */
  contexts: Record<string, unknown>;
  /** `job` context (status, services). */
  jobContext: { status: Outcome; services: Record<string, { ports: Readonly<Record<string, string>> }> };
  env: Record<string, string>;
  extraPath: string[];
  defaults: { shell?: string; workingDirectory?: string };
  steps: Record<string, StepState>;
  failed: boolean;
  /** Set when the job's timeout-minutes ran out, or the run was cancelled (`cancelledBy`). */
  cancelled: boolean;
  cancelledBy?: 'timeout' | 'cancel';
  /** The process group of the step running now. */
  runningGroup?: number;
  deadline: number;
  posts: PostStep[];
  /** Process groups of the job's steps, killed when it ends (background children included). */
  processGroups: number[];
  result: JobResult;
}

/** The scope for expressions inside a step (`if:`, `env:`, `with:`, `run:`), status functions included. */
export function stepScope(rt: JobRuntime): Scope {
  return {
    file: rt.file,
    contexts: {
      ...rt.contexts,
      env: rt.env,
      steps: rt.steps,
      job: { ...rt.jobContext, status: rt.cancelled ? 'cancelled' : rt.failed ? 'failure' : 'success' }
    },
    status: {
      success: () => !rt.failed && !rt.cancelled,
      failure: () => rt.failed,
      cancelled: () => rt.cancelled
    },
    workspace: rt.workspace
  };
}

/**
 * Logs one line of the job: masked (again, for lines that did not come through a CommandReader)
 * and neutralised, since it comes from a process or a stand-in and goes to a terminal.
 */
export function jobLog(rt: JobRuntime, step: string, line: string): void {
  const masked = neutralise(rt.run.masker.mask(line));
  rt.result.log.push(`${step}: ${masked}`);
  rt.run.log(`[${rt.result.id}] ${step}: ${masked}`);
}
