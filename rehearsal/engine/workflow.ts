/**
 * A workflow run: the trigger checked against `on:` (push; workflow_dispatch and workflow_call
 * with their inputs; see rehearse.ts for the push filters), the workflow's
 * `env` and `defaults`, its jobs one at a time in `needs` order, and reusable workflows called
 * by jobs (`uses:` of a local or this repository's workflow, nested calls included; their jobs
 * appear as `caller / called`).
 */
import { isLiteral, isMapping, isSequence } from '@actions/workflow-parser';
import type { MappingToken, TemplateToken } from '@actions/workflow-parser/templates/tokens/index';
import { refuse } from './errors.ts';
import { asText, evaluateCondition, evaluateText, evaluateToken, type Scope } from './expressions.ts';
import { resolveInputs, type InputValue } from './inputs.ts';
import { jobScope, newJobResult, runDefaults, runJob, type NeedResult, type WorkflowFrame } from './job.ts';
import { loadWorkflow, type LoadedWorkflow } from './load.ts';
import type { RunContext } from './run-context.ts';
import { asMapping, child, entries, literalText, refuseUnknownKeys } from './tokens.ts';
import type { Outcome } from './types.ts';

const WORKFLOW_KEYS = ['name', 'run-name', 'on', 'env', 'defaults', 'jobs', 'permissions', 'concurrency'];
const CALLER_JOB_KEYS = ['name', 'needs', 'if', 'uses', 'with', 'secrets', 'permissions', 'concurrency'];
/** GitHub's limit on nested reusable workflows (the parser's maxReusableWorkflowDepth). */
const MAX_DEPTH = 4;

/** The workflow's triggers: event name -> its configuration token (undefined when bare). */
export function triggersOf(workflow: LoadedWorkflow): Map<string, MappingToken | undefined> {
  const on = child(workflow.root, 'on') as TemplateToken;
  const triggers = new Map<string, MappingToken | undefined>();
  if (isMapping(on)) {
    for (const entry of entries(on))
      triggers.set(entry.key, isMapping(entry.value) ? entry.value : undefined);
  } else if (isSequence(on)) {
    for (const item of on) triggers.set(item.toString(), undefined);
  } else {
    triggers.set(on.toString(), undefined);
  }
  return triggers;
}

/** The `on:` token, for refusals about triggers. */
export function onToken(workflow: LoadedWorkflow): TemplateToken {
  return child(workflow.root, 'on') as TemplateToken;
}

function needsOf(file: string, job: MappingToken): string[] {
  const token = child(job, 'needs');
  if (!token) return [];
  if (isSequence(token)) return [...token].map((item) => literalText(file, item, 'needs'));
  return [literalText(file, token, 'needs')];
}

/** Jobs in an order that respects `needs`, otherwise in file order (the parser rejected cycles). */
function jobOrder(file: string, jobs: MappingToken): { key: string; job: MappingToken; needs: string[] }[] {
  const pending = entries(jobs).map((entry) => ({
    key: entry.key,
    job: asMapping(file, entry.value, `job ${entry.key}`),
    needs: needsOf(file, asMapping(file, entry.value, `job ${entry.key}`))
  }));
  const ordered: typeof pending = [];
  const done = new Set<string>();
  while (pending.length > 0) {
    const next = pending.findIndex((job) => job.needs.every((need) => done.has(need)));
    const [job] = pending.splice(next, 1);
    ordered.push(job!);
    done.add(job!.key);
  }
  return ordered;
}

export interface WorkflowCall {
  inputs: Record<string, InputValue>;
  secrets: Record<string, string>;
  prefix: string;
  depth: number;
}

/**
 * Runs every job of `workflow`; returns each job's result and outputs by job key (what the
 * called workflow's `outputs:` read as `jobs.<id>`).
 */
export async function runWorkflowJobs(
  run: RunContext,
  workflow: LoadedWorkflow,
  call: WorkflowCall
): Promise<Map<string, NeedResult>> {
  const file = workflow.file;
  refuseUnknownKeys(file, workflow.root, WORKFLOW_KEYS, 'a workflow');
  const contexts = { github: run.githubContext, inputs: call.inputs, vars: run.vars, secrets: call.secrets };
  const workflowScope: Scope = { file, contexts };
  const envToken = child(workflow.root, 'env');
  const env = Object.fromEntries(
    Object.entries((envToken ? evaluateToken(envToken, workflowScope) : {}) as Record<string, unknown>).map(
      ([key, value]) => [key, asText(value)]
    )
  );
  const frame: WorkflowFrame = {
    file,
    contexts,
    env,
    defaults: runDefaults(file, workflow.root, workflowScope, {}),
    prefix: call.prefix
  };
  const results = new Map<string, NeedResult>();
  const ancestorsOf = new Map<string, Set<string>>();
  for (const { key, job, needs } of jobOrder(file, asMapping(file, child(workflow.root, 'jobs')!, 'jobs'))) {
    const ancestors = new Set(needs.flatMap((need) => [need, ...(ancestorsOf.get(need) ?? [])]));
    ancestorsOf.set(key, ancestors);
    const needsContext = Object.fromEntries(needs.map((need) => [need, results.get(need)!]));
    const ancestorResults = [...ancestors].map((id) => results.get(id)!.result);
    if (child(job, 'uses')) {
      results.set(key, await runCalledWorkflow(run, frame, call, key, job, needsContext, ancestorResults));
    } else {
      const result = await runJob(run, frame, key, job, needsContext, ancestorResults);
      // A failed job with continue-on-error does not fail the run, and the jobs after it see
      // `success`, as on GitHub (actions/runner#1161); its own result stays `failure`.
      const seen = result.result === 'failure' && result.continueOnError ? 'success' : result.result;
      results.set(key, { result: seen, outputs: result.outputs });
    }
  }
  return results;
}

/** `./.github/workflows/x.yml` or `<actionRepository>/.github/workflows/x.yml@ref` -> the file. */
function calledFile(run: RunContext, file: string, token: TemplateToken): string {
  const uses = literalText(file, token, 'uses');
  const local = /^\.\/(\.github\/workflows\/[\w.-]+\.ya?ml)$/.exec(uses);
  if (local) return local[1]!;
  const prefix = `${run.actionRepository}/`;
  const remote = /^(\.github\/workflows\/[\w.-]+\.ya?ml)@.+$/.exec(
    uses.startsWith(prefix) ? uses.slice(prefix.length) : ''
  );
  if (remote) return remote[1]!;
  throw refuse(
    file,
    token,
    `the rehearsal runs only this repository's reusable workflows (./.github/workflows/... or ${run.actionRepository}/.github/workflows/...@ref), not ${uses}`
  );
}

/** The `workflow_call` configuration of a called workflow; refuses a workflow without one. */
export function callTrigger(
  workflow: LoadedWorkflow,
  callerFile: string,
  usesToken: TemplateToken
): MappingToken | undefined {
  const triggers = triggersOf(workflow);
  if (!triggers.has('workflow_call')) {
    throw refuse(callerFile, usesToken, `${workflow.file} has no workflow_call trigger: it cannot be called`);
  }
  return triggers.get('workflow_call');
}

/** Secrets passed to a called workflow: `inherit` or an explicit map, checked against its `secrets:`. */
function calledSecrets(
  run: RunContext,
  caller: WorkflowFrame,
  callerCall: WorkflowCall,
  job: MappingToken,
  definitions: TemplateToken | undefined,
  scope: Scope,
  calledFileName: string,
  usesToken: TemplateToken
): Record<string, string> {
  const token = child(job, 'secrets');
  const declared = new Map<string, boolean>();
  for (const entry of definitions ? entries(asMapping(calledFileName, definitions, 'secrets')) : []) {
    const definition = isMapping(entry.value)
      ? (evaluateToken(entry.value, scope) as { required?: boolean })
      : {};
    declared.set(entry.key, definition.required === true);
  }
  let secrets: Record<string, string> = {};
  if (token && isLiteral(token) && token.toString() === 'inherit') {
    secrets = { ...callerCall.secrets };
  } else if (token) {
    for (const entry of entries(asMapping(caller.file, token, 'secrets'))) {
      if (!declared.has(entry.key)) {
        throw refuse(
          caller.file,
          entry.keyToken,
          `'${entry.key}' is not a secret of ${calledFileName} (secrets: ${[...declared.keys()].join(', ') || 'none'})`
        );
      }
      secrets[entry.key] = evaluateText(entry.value, scope);
    }
  }
  for (const [name, required] of declared) {
    if (required && !(name in secrets)) {
      throw refuse(
        caller.file,
        token ?? usesToken,
        `secret ${name} of ${calledFileName} is required and was not passed`
      );
    }
  }
  for (const value of Object.values(secrets)) run.masker.add(value);
  return { ...secrets, GITHUB_TOKEN: run.github.token };
}

async function runCalledWorkflow(
  run: RunContext,
  caller: WorkflowFrame,
  callerCall: WorkflowCall,
  jobKey: string,
  job: MappingToken,
  needs: Record<string, NeedResult>,
  ancestors: Outcome[]
): Promise<NeedResult> {
  refuseUnknownKeys(caller.file, job, CALLER_JOB_KEYS, `job ${jobKey} (a reusable workflow call)`);
  const scope = jobScope(caller, needs, ancestors, run.cancelRequested);
  const id = `${caller.prefix}${jobKey}`;
  if (!evaluateCondition(child(job, 'if'), scope)) {
    const skipped = newJobResult(id, jobKey);
    // After a cancellation GitHub shows the jobs that did not start as cancelled.
    if (run.cancelRequested) skipped.result = 'cancelled';
    run.jobs.push(skipped);
    run.log(`[${id}] ${skipped.result} (if: condition false)`);
    return { result: skipped.result, outputs: {} };
  }
  const usesToken = child(job, 'uses')!;
  if (callerCall.depth + 1 >= MAX_DEPTH) {
    throw refuse(caller.file, usesToken, `reusable workflows nest at most ${MAX_DEPTH} levels deep`);
  }
  const called = await loadWorkflow(run.repoRoot, calledFile(run, caller.file, usesToken));
  const trigger = callTrigger(called, caller.file, usesToken);
  const callScope: Scope = {
    file: caller.file,
    contexts: { ...scope.contexts, secrets: callerCall.secrets }
  };
  const withToken = child(job, 'with');
  const given: Record<string, unknown> = {};
  const givenAt: Record<string, TemplateToken> = {};
  for (const entry of withToken ? entries(asMapping(caller.file, withToken, 'with')) : []) {
    given[entry.key] = evaluateToken(entry.value, callScope);
    givenAt[entry.key] = entry.keyToken;
  }
  const definitionsScope: Scope = {
    file: called.file,
    contexts: { github: run.githubContext, vars: run.vars }
  };
  const inputs = resolveInputs(
    caller.file,
    called.file,
    trigger ? child(trigger, 'inputs') : undefined,
    given,
    givenAt,
    definitionsScope,
    usesToken
  );
  const secrets = calledSecrets(
    run,
    caller,
    callerCall,
    job,
    trigger ? child(trigger, 'secrets') : undefined,
    callScope,
    called.file,
    usesToken
  );
  run.log(`[${id}] calls ${called.file}`);
  const call: WorkflowCall = { inputs, secrets, prefix: `${id} / `, depth: callerCall.depth + 1 };
  const results = await runWorkflowJobs(run, called, call);
  const failed = [...results.values()].some((r) => r.result === 'failure');
  const cancelled = [...results.values()].some((r) => r.result === 'cancelled');
  return {
    result: failed ? 'failure' : cancelled ? 'cancelled' : 'success',
    outputs: calledOutputs(run, called, trigger, call, results)
  };
}

/** A called workflow's `outputs:`, evaluated over its jobs (`jobs.<id>.outputs`, `.result`). */
export function calledOutputs(
  run: RunContext,
  workflow: LoadedWorkflow,
  trigger: MappingToken | undefined,
  call: WorkflowCall,
  results: Map<string, NeedResult>
): Record<string, string> {
  const token = trigger ? child(trigger, 'outputs') : undefined;
  if (!token) return {};
  const scope: Scope = {
    file: workflow.file,
    contexts: {
      github: run.githubContext,
      inputs: call.inputs,
      vars: run.vars,
      jobs: Object.fromEntries(results)
    }
  };
  const outputs: Record<string, string> = {};
  for (const entry of entries(asMapping(workflow.file, token, 'outputs'))) {
    const definition = asMapping(workflow.file, entry.value, `outputs.${entry.key}`);
    const value = child(definition, 'value');
    outputs[entry.key] = value ? evaluateText(value, scope) : '';
  }
  return outputs;
}
