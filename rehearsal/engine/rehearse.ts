/**
 * `rehearse(options)`: runs one workflow file for one event on this machine and returns what
 * happened. A RehearsalError (something the rehearsal cannot run as GitHub would) ends the run
 * with `refusal` set and conclusion `failure`; the world is always told to stop what it started.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RehearsalError } from './errors.ts';
import { asText, type Scope } from './expressions.ts';
import { resolveInputs, type InputValue } from './inputs.ts';
import { loadWorkflow, type LoadedWorkflow } from './load.ts';
import { createRunContext, engineRoot, type RunContext } from './run-context.ts';
import { refuse } from './errors.ts';
import { calledOutputs, callTrigger, onToken, runWorkflowJobs, triggersOf } from './workflow.ts';
import { killGroup } from './process.ts';
import { cancelJob } from './steps.ts';
import { asSequence, child } from './tokens.ts';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/index';
import picomatch from 'picomatch';
import type { RehearsalResult, RehearseOptions } from './types.ts';

/**
 * A push to a branch that `branches` / `branches-ignore` filters out starts no run on GitHub; the
 * rehearsal says so instead of running it. (`paths` filters are accepted: a rehearsal has no
 * changed files to match.)
 */
function refuseUntriggeredPush(
  workflow: LoadedWorkflow,
  config: MappingToken | undefined,
  branch: string
): void {
  if (!config) return;
  for (const [key, wanted] of [
    ['branches', true],
    ['branches-ignore', false]
  ] as const) {
    const token = child(config, key);
    if (!token) continue;
    const patterns = [...asSequence(workflow.file, token, key)].map((item) => item.toString());
    if (matchesBranchFilter(patterns, branch) !== wanted) {
      throw refuse(
        workflow.file,
        token,
        `a push to ${branch} does not trigger ${workflow.file} (${key}: ${patterns.join(', ')})`
      );
    }
  }
}

/** GitHub's filter patterns, in order: a later `!pattern` excludes what an earlier one included. */
export function matchesBranchFilter(patterns: readonly string[], branch: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (picomatch(negated ? pattern.slice(1) : pattern, { dot: true })(branch)) matched = !negated;
  }
  return matched;
}

/** The trigger's inputs for the event, checked; refuses an event the workflow does not run on. */
function triggerInputs(workflow: LoadedWorkflow, options: RehearseOptions): Record<string, InputValue> {
  const triggers = triggersOf(workflow);
  const event = options.event;
  if (!triggers.has(event.name)) {
    throw refuse(
      workflow.file,
      onToken(workflow),
      `${workflow.file} does not run on ${event.name} (on: ${[...triggers.keys()].join(', ')})`
    );
  }
  if (event.name === 'push') {
    refuseUntriggeredPush(workflow, triggers.get('push'), event.branch ?? options.github.state.defaultBranch);
    return {};
  }
  const config = triggers.get(event.name);
  const definitions = config === undefined ? undefined : child(config, 'inputs');
  const scope: Scope = { file: workflow.file, contexts: { github: {}, vars: options.vars ?? {} } };
  return resolveInputs(
    workflow.file,
    workflow.file,
    definitions,
    event.inputs ?? {},
    {},
    scope,
    config ?? onToken(workflow)
  );
}

export async function rehearse(options: RehearseOptions): Promise<RehearsalResult> {
  const started = Date.now();
  const repoRoot = options.repoRoot ?? engineRoot;
  const runDir = options.runDir ?? mkdtempSync(path.join(os.tmpdir(), 'rehearsal-'));
  const deploymentsBefore = new Set(options.github.state.deployments.map((d) => d.id));
  let run: RunContext | undefined;
  let refusal: string | undefined;
  let outputs: Record<string, string> = {};
  const cancel = () => {
    if (!run) return;
    run.cancelled = true;
    run.log('cancelled: stopping every step process');
    for (const group of run.processGroups) killGroup(group);
  };
  const requestCancel = () => {
    if (!run || run.cancelRequested) return;
    run.cancelRequested = true;
    run.log('cancel requested: running steps get SIGINT; only always()/cancelled() steps and post steps run');
    for (const job of run.activeJobs) cancelJob(job);
  };
  try {
    const workflow = await loadWorkflow(repoRoot, options.workflow);
    const inputs = triggerInputs(workflow, options);
    const eventInputs = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, asText(v)]));
    run = createRunContext(
      options,
      repoRoot,
      runDir,
      options.event.name === 'workflow_dispatch' ? eventInputs : {}
    );
    if (options.signal?.aborted) cancel();
    options.signal?.addEventListener('abort', cancel, { once: true });
    if (options.cancel?.aborted) requestCancel();
    options.cancel?.addEventListener('abort', requestCancel, { once: true });
    run.log(`rehearsing ${workflow.file} for ${options.event.name} on ${String(run.githubContext.ref)}`);
    const call = {
      inputs,
      secrets: { ...options.secrets, GITHUB_TOKEN: options.github.token },
      prefix: '',
      depth: 0
    };
    const results = await runWorkflowJobs(run, workflow, call);
    if (options.event.name === 'workflow_call') {
      outputs = calledOutputs(
        run,
        workflow,
        callTrigger(workflow, workflow.file, onToken(workflow)),
        call,
        results
      );
    }
  } catch (error) {
    if (!(error instanceof RehearsalError)) throw error;
    refusal = run ? run.masker.mask(error.message) : error.message;
    run?.log(`refused: ${refusal}`);
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    options.cancel?.removeEventListener('abort', requestCancel);
    await options.world.stopAll(runDir);
  }
  const jobs = run?.jobs ?? [];
  const failed = jobs.some((job) => job.result === 'failure' && !job.continueOnError);
  return {
    workflow: options.workflow,
    event: options.event.name,
    conclusion:
      refusal !== undefined || failed || run?.cancelled === true || run?.cancelRequested === true
        ? 'failure'
        : 'success',
    jobs,
    outputs,
    cancelled: run?.cancelled === true || run?.cancelRequested === true,
    deployments: options.github.state.deployments.filter((d) => !deploymentsBefore.has(d.id)),
    refusal,
    durationMs: Date.now() - started,
    runDir
  };
}
