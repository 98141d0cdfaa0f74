/**
 * One job of a workflow on this machine: its `if:` (job-level status functions over the jobs it
 * needs), `env`, `defaults.run`, `timeout-minutes` (enforced: the running step is killed),
 * `continue-on-error`, `environment:` (a deployment in the GitHub fake), `services:` (started by
 * the world for the job's lifetime), its steps in order, the post steps, and `outputs:` evaluated
 * at the end. `permissions`, `concurrency` and `runs-on` are accepted (runs-on is recorded).
 */
import { isMapping } from '@actions/workflow-parser';
import type { MappingToken, TemplateToken } from '@actions/workflow-parser/templates/tokens/index';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DeploymentRecord } from '../../action-tests/fakes/github/state.ts';
import { finishDeployment, startDeployment } from './environment.ts';
import { errorMessage, refuse, RehearsalError } from './errors.ts';
import {
  asText,
  evaluateCondition,
  evaluateText,
  evaluateToken,
  isTruthy,
  type Scope
} from './expressions.ts';
import { jobLog, stepScope, type JobRuntime } from './job-runtime.ts';
import { killGroup } from './process.ts';
import type { RunContext } from './run-context.ts';
import type { RunningService, ServiceSpec } from './stand-in.ts';
import { runPostSteps, runStep } from './steps.ts';
import { asMapping, asSequence, child, entries, refuseUnknownKeys } from './tokens.ts';
import type { JobResult, Outcome } from './types.ts';

const JOB_KEYS = [
  'name',
  'needs',
  'if',
  'runs-on',
  'env',
  'defaults',
  'timeout-minutes',
  'continue-on-error',
  'permissions',
  'concurrency',
  'environment',
  'services',
  'outputs',
  'steps'
] as const;
const SERVICE_KEYS = ['image', 'env', 'ports', 'options'];
/** GitHub's default job timeout. */
const DEFAULT_TIMEOUT_MINUTES = 360;
/** Time post steps still get after the job's own time ran out. */
const POST_GRACE_MS = 60_000;

/** What a workflow gives each of its jobs. */
export interface WorkflowFrame {
  file: string;
  /** github, inputs, vars, secrets. */
  contexts: Record<string, unknown>;
  env: Record<string, string>;
  defaults: { shell?: string; workingDirectory?: string };
  /** `caller / ` for jobs of a called workflow. */
  prefix: string;
}

/** A finished job as the jobs after it see it (`needs.<id>`). */
export interface NeedResult {
  result: Outcome;
  outputs: Record<string, string>;
}

/** Job-level status functions: over every job this one depends on, directly or not. */
export function jobScope(
  frame: WorkflowFrame,
  needs: Record<string, NeedResult>,
  ancestors: Outcome[],
  runCancelled = false
): Scope {
  return {
    file: frame.file,
    contexts: {
      github: frame.contexts.github,
      inputs: frame.contexts.inputs,
      vars: frame.contexts.vars,
      needs
    },
    status: {
      success: () => !runCancelled && ancestors.every((result) => result === 'success'),
      failure: () => ancestors.some((result) => result === 'failure'),
      cancelled: () => runCancelled || ancestors.some((result) => result === 'cancelled')
    }
  };
}

export function newJobResult(id: string, name: string): JobResult {
  return {
    id,
    name,
    result: 'skipped',
    outputs: {},
    steps: [],
    log: [],
    summaries: [],
    annotations: [],
    durationMs: 0,
    continueOnError: false
  };
}

function textMap(value: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => [k, asText(v)])
  );
}

/** `defaults.run` of a workflow or job, over `inherited`. */
export function runDefaults(
  file: string,
  owner: MappingToken,
  scope: Scope,
  inherited: WorkflowFrame['defaults']
): WorkflowFrame['defaults'] {
  const defaults = child(owner, 'defaults');
  if (!defaults) return inherited;
  const mapping = asMapping(file, defaults, 'defaults');
  refuseUnknownKeys(file, mapping, ['run'], 'defaults');
  const run = child(mapping, 'run');
  if (!run) return inherited;
  const values = textMap(evaluateToken(run, scope));
  return {
    shell: values.shell ?? inherited.shell,
    workingDirectory: values['working-directory'] ?? inherited.workingDirectory
  };
}

async function startServices(rt: JobRuntime, token: TemplateToken, scope: Scope): Promise<RunningService[]> {
  const started: RunningService[] = [];
  for (const entry of entries(asMapping(rt.file, token, 'services'))) {
    const mapping = asMapping(rt.file, entry.value, `services.${entry.key}`);
    refuseUnknownKeys(rt.file, mapping, SERVICE_KEYS, `services.${entry.key}`);
    const value = evaluateToken(mapping, scope) as Record<string, unknown>;
    const spec: ServiceSpec = {
      image: asText(value.image),
      env: textMap(value.env),
      ports: ((value.ports ?? []) as unknown[]).map(asText),
      options: value.options === undefined ? undefined : asText(value.options)
    };
    jobLog(rt, 'services', `starting ${entry.key} (${spec.image})`);
    const service = await rt.run.world.startService(entry.key, spec, rt.run.runDir);
    started.push(service);
    rt.jobContext.services[entry.key] = { ports: service.ports };
  }
  return started;
}

/** `environment:` as a name, an optional URL (evaluated at job end) and whether it records a deployment. */
function environmentOf(
  rt: { file: string },
  token: TemplateToken,
  scope: Scope
): { name: string; url?: TemplateToken; deployment: boolean } {
  if (!isMapping(token)) return { name: evaluateText(token, scope), deployment: true };
  refuseUnknownKeys(rt.file, token, ['name', 'url', 'deployment'], 'environment');
  const name = child(token, 'name');
  if (!name) throw refuse(rt.file, token, 'environment needs a name');
  const deployment = child(token, 'deployment');
  return {
    name: evaluateText(name, scope),
    url: child(token, 'url'),
    // `deployment: false`: the environment's secrets, rules and variables, without a deployment record.
    deployment: deployment ? isTruthy(evaluateToken(deployment, scope)) : true
  };
}

function evaluateOutputs(rt: JobRuntime, token: TemplateToken | undefined): Record<string, string> {
  const outputs: Record<string, string> = {};
  if (!token) return outputs;
  const scope = stepScope(rt);
  for (const entry of entries(asMapping(rt.file, token, 'outputs'))) {
    const value = evaluateText(entry.value, scope);
    // GitHub drops an output that carries a secret rather than pass it to other jobs.
    if (rt.run.masker.carriesSecret(value)) {
      jobLog(rt, 'outputs', `warning: output ${entry.key} is skipped: it may contain a secret`);
      continue;
    }
    outputs[entry.key] = value;
  }
  return outputs;
}

/**
 * Runs the job `jobKey` of a workflow. Returns its result (also appended to `run.jobs`).
 * A RehearsalError from any step stops the job (services stopped, deployment failed) and
 * propagates.
 */
export async function runJob(
  run: RunContext,
  frame: WorkflowFrame,
  jobKey: string,
  job: MappingToken,
  needs: Record<string, NeedResult>,
  ancestors: Outcome[]
): Promise<JobResult> {
  const file = frame.file;
  refuseUnknownKeys(file, job, JOB_KEYS, `job ${jobKey}`);
  const started = Date.now();
  const scope = jobScope(frame, needs, ancestors, run.cancelRequested);
  const nameToken = child(job, 'name');
  const result = newJobResult(frame.prefix + jobKey, nameToken ? evaluateText(nameToken, scope) : jobKey);
  run.jobs.push(result);
  const runsOn = child(job, 'runs-on');
  result.runsOn = runsOn ? asText(evaluateToken(runsOn, scope)) : undefined;
  if (run.cancelled) {
    result.result = 'cancelled';
    return result;
  }
  if (!evaluateCondition(child(job, 'if'), scope)) {
    // After a cancellation GitHub shows the jobs that did not start as cancelled.
    if (run.cancelRequested) result.result = 'cancelled';
    run.log(`[${result.id}] ${result.result} (if: condition false)`);
    return result;
  }
  const number = run.nextJobNumber++;
  const jobDir = path.join(run.runDir, 'jobs', `${number}-${jobKey}`);
  const workspace = path.join(jobDir, 'workspace');
  const runnerTemp = path.join(jobDir, 'temp');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });

  // The environment's secrets and variables reach this job alone, over the repository's.
  const environmentToken = child(job, 'environment');
  const environment = environmentToken
    ? environmentOf({ file }, environmentToken, { ...scope, contexts: { ...scope.contexts, needs } })
    : undefined;
  const settings = environment ? run.environments[environment.name] : undefined;
  const withSecrets: Scope = {
    file,
    contexts: {
      ...frame.contexts,
      secrets: { ...(frame.contexts.secrets as Record<string, string>), ...settings?.secrets },
      vars: { ...(frame.contexts.vars as Record<string, string>), ...settings?.vars },
      // The runner adds the job's own keys to the github context.
      github: { ...(frame.contexts.github as Record<string, unknown>), job: jobKey, workspace },
      needs,
      env: frame.env,
      runner: runnerContext(runnerTemp)
    }
  };
  const timeoutToken = child(job, 'timeout-minutes');
  const timeoutMinutes = timeoutToken
    ? Number(evaluateToken(timeoutToken, withSecrets))
    : DEFAULT_TIMEOUT_MINUTES;
  if (!Number.isFinite(timeoutMinutes) || timeoutMinutes <= 0) {
    throw refuse(file, timeoutToken, 'timeout-minutes must be a positive number');
  }
  const coeToken = child(job, 'continue-on-error');
  result.continueOnError = coeToken ? isTruthy(evaluateToken(coeToken, withSecrets)) : false;
  const envToken = child(job, 'env');
  const rt: JobRuntime = {
    run,
    file,
    jobKey,
    workspace,
    runnerTemp,
    contexts: { ...withSecrets.contexts },
    jobContext: { status: 'success', services: {} },
    env: { ...frame.env, ...(envToken ? textMap(evaluateToken(envToken, withSecrets)) : {}) },
    extraPath: [],
    defaults: runDefaults(file, job, withSecrets, frame.defaults),
    steps: {},
    failed: false,
    cancelled: false,
    deadline: started + timeoutMinutes * 60_000,
    posts: [],
    processGroups: [],
    result
  };
  rt.contexts = { ...withSecrets.contexts, job: rt.jobContext };
  // A job that starts after a cancellation (its if: held on it, always()) runs its steps as usual.
  run.activeJobs.add(rt);

  let deployment: DeploymentRecord | undefined;
  let environmentUrl: TemplateToken | undefined;
  const services: RunningService[] = [];
  let refusal: unknown;
  try {
    if (environment) {
      result.environment = environment.name;
      environmentUrl = environment.url;
      if (environment.deployment) {
        deployment = startDeployment(run, environment.name);
        jobLog(rt, 'environment', `deployment ${deployment.id} to ${environment.name} (in_progress)`);
      } else jobLog(rt, 'environment', `${environment.name}, without a deployment (deployment: false)`);
    }
    const servicesToken = child(job, 'services');
    if (servicesToken) services.push(...(await startServices(rt, servicesToken, withSecrets)));
    const steps = child(job, 'steps');
    if (!steps) throw refuse(file, job, `job ${jobKey} has no steps`);
    let index = 0;
    for (const step of asSequence(file, steps, 'steps')) {
      await runStep(rt, asMapping(file, step, 'a step'), ++index);
    }
  } catch (error) {
    if (error instanceof RehearsalError) refusal = error;
    else {
      rt.failed = true;
      result.error = run.masker.mask(errorMessage(error));
      jobLog(rt, 'job', `failed: ${result.error}`);
    }
  }
  try {
    if (refusal === undefined) await runPostSteps(rt, POST_GRACE_MS);
    if (refusal === undefined) result.outputs = evaluateOutputs(rt, child(job, 'outputs'));
  } catch (error) {
    if (error instanceof RehearsalError) refusal = error;
    else {
      rt.failed = true;
      result.error = run.masker.mask(errorMessage(error));
    }
  } finally {
    // The runner's orphan cleanup: what steps left running in the background ends with the job.
    for (const group of rt.processGroups) killGroup(group);
    for (const service of services.reverse()) await service.stop();
  }
  run.activeJobs.delete(rt);
  if (rt.cancelledBy === 'timeout') {
    result.error = `the job exceeded its timeout-minutes (${timeoutMinutes})`;
    jobLog(rt, 'job', result.error);
  }
  if (run.cancelled || rt.cancelledBy === 'cancel') result.result = 'cancelled';
  else result.result = rt.failed || rt.cancelled || refusal !== undefined ? 'failure' : 'success';
  if (deployment) {
    const url = environmentUrl && refusal === undefined ? evaluateText(environmentUrl, stepScope(rt)) : '';
    finishDeployment(run, deployment, result.result === 'success', url);
  }
  result.durationMs = Date.now() - started;
  if (refusal !== undefined) throw refusal;
  return result;
}

/** The `runner` context. */
export function runnerContext(runnerTemp: string): Record<string, string> {
  return {
    os: 'Linux',
    arch: 'X64',
    name: 'rehearsal',
    environment: 'github-hosted',
    temp: runnerTemp,
    tool_cache: path.join(path.dirname(runnerTemp), 'tool-cache'),
    debug: ''
  };
}
