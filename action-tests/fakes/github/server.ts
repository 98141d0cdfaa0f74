/**
 * A loopback fake of api.github.com for one repository. It keeps state (GitHubState), answers the
 * endpoints the actions use, and judges every request it receives and every response it sends
 * against GitHub's OpenAPI description: a request GitHub would reject is answered the way GitHub
 * answers it AND recorded as a violation, so the test fails (tests assert `violations` is empty).
 * It can be told to rate-limit, to fail with 5xx, or to deny a token permission. What it checks is
 * listed in docs/github-fake.md.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GitHubOpenApi, type MatchedOperation, type SchemaProblem } from './openapi.ts';
import { GitHubState, type DeploymentRecord } from './state.ts';

type Json = Record<string, unknown>;

export interface FakeCall {
  method: string;
  path: string;
  query: Record<string, string>;
  operationId?: string;
  status: number;
  /** Set when the answer was an injected rate limit or failure. */
  injected?: 'rate-limit' | 'failure' | 'permission';
  body?: unknown;
}

export interface Violation {
  kind: 'route' | 'request' | 'response' | 'auth' | 'unimplemented' | 'unconfigured';
  call: string;
  problems: SchemaProblem[];
}

type Permission =
  'checks' | 'statuses' | 'deployments' | 'issues' | 'actions' | 'contents' | 'secrets' | 'environments';

/** What the workflow's GITHUB_TOKEN (the fake's own token) can never be given. */
const NEVER_GITHUB_TOKEN: readonly Permission[] = ['secrets', 'environments'];

interface Injection {
  remaining: number;
  operationId?: string;
  kind: 'rate-limit' | 'failure';
  status: number;
  rateLimit?: 'primary' | 'secondary';
  resetAfterSeconds?: number;
}

interface HandlerContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Json;
  state: GitHubState;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (context: HandlerContext) => Answer;

export interface GitHubFake {
  /** Base URL to give the client as GITHUB_API_URL. */
  url: string;
  token: string;
  state: GitHubState;
  calls: FakeCall[];
  violations: Violation[];
  /** The next `times` calls (to `operationId`, or any) fail with `status` (default 502). */
  failNext(options?: { times?: number; status?: number; operationId?: string }): void;
  /** The next `times` calls answer a primary (x-ratelimit-remaining: 0) or secondary (retry-after) rate limit. */
  rateLimitNext(options?: {
    times?: number;
    kind?: 'primary' | 'secondary';
    status?: 403 | 429;
    resetAfterSeconds?: number;
    operationId?: string;
  }): void;
  /** Answers 403 "Resource not accessible by integration" to every call needing `permission`. */
  denyPermission(permission: Permission): void;
  /**
   * Another token: a fine-grained personal access token holding only `permissions` (reading
   * secret metadata needs `secrets`, environment secrets `environments`). Returns the token.
   */
  addToken(permissions: readonly Permission[]): string;
  /** Called after each call was answered (a test can change state between polls). */
  onCall(listener: (call: FakeCall) => void): void;
  callsTo(operationId: string): FakeCall[];
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';

function error(status: number, message: string, extra: Json = {}): Answer {
  return { status, body: { message, documentation_url: DOCS, status: String(status), ...extra } };
}

function permissionOf(operationId: string): Permission {
  if (operationId === 'actions/list-repo-secrets') return 'secrets';
  if (operationId === 'actions/list-environment-secrets') return 'environments';
  if (operationId.startsWith('checks/')) return 'checks';
  if (operationId.startsWith('issues/')) return 'issues';
  if (operationId.startsWith('actions/') || operationId.includes('environment')) return 'actions';
  if (operationId.includes('deployment')) return 'deployments';
  if (operationId.includes('status')) return 'statuses';
  return 'contents';
}

/** Items of one page and the Link header GitHub would send for the others. */
function paginate<T>(
  items: readonly T[],
  query: URLSearchParams,
  selfUrl: URL
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Number(query.get('per_page') ?? 30) || 30);
  const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const url = new URL(selfUrl);
    url.searchParams.set('page', String(n));
    url.searchParams.set('per_page', String(perPage));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'));
  if (page < last) links.push(link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length ? { link: links.join(', ') } : {}
  };
}

function latestPerContext<T extends { context: string; id: number }>(items: readonly T[]): T[] {
  const latest = new Map<string, T>();
  for (const item of [...items].sort((a, b) => b.id - a.id))
    if (!latest.has(item.context)) latest.set(item.context, item);
  return [...latest.values()];
}

function handlers(api: GitHubOpenApi, selfUrl: () => URL): Record<string, Handler> {
  const deploymentOr404 = (state: GitHubState, id: string): DeploymentRecord | Answer =>
    state.deployments.find((d) => d.id === Number(id)) ?? error(404, 'Not Found');
  const isAnswer = (value: unknown): value is Answer =>
    typeof value === 'object' && value !== null && 'status' in value && !('sha' in value);

  return {
    'checks/list-for-ref': ({ params, query, state }) => {
      const sha = state.resolveRef(params.ref!);
      if (!sha) return error(422, `No commit found for SHA: ${params.ref}`);
      let runs = state.checkRuns.filter((r) => r.sha === sha);
      if ((query.get('filter') ?? 'latest') === 'latest') {
        const latest = new Map<string, (typeof runs)[number]>();
        for (const run of [...runs].sort((a, b) => b.id - a.id)) {
          const key = `${run.checkSuiteId}\0${run.name}`;
          if (!latest.has(key)) latest.set(key, run);
        }
        runs = [...latest.values()];
      }
      if (query.has('check_name')) runs = runs.filter((r) => r.name === query.get('check_name'));
      if (query.has('status')) runs = runs.filter((r) => r.status === query.get('status'));
      runs.sort((a, b) => b.id - a.id);
      const { page, headers } = paginate(runs, query, selfUrl());
      return {
        status: 200,
        body: { total_count: runs.length, check_runs: page.map((r) => state.renderCheckRun(r)) },
        headers
      };
    },
    'checks/get': ({ params, state }) => {
      const run = state.checkRuns.find((r) => r.id === Number(params.check_run_id));
      return run ? { status: 200, body: state.renderCheckRun(run) } : error(404, 'Not Found');
    },
    'repos/list-commit-statuses-for-ref': ({ params, query, state }) => {
      const sha = state.resolveRef(params.ref!);
      const statuses = state.statuses.filter((s) => s.sha === sha).sort((a, b) => b.id - a.id);
      const { page, headers } = paginate(statuses, query, selfUrl());
      return { status: 200, body: page.map((s) => state.renderStatus(s)), headers };
    },
    'repos/get-combined-status-for-ref': ({ params, query, state }) => {
      const sha = state.resolveRef(params.ref!);
      if (!sha) return error(404, `No commit found for SHA: ${params.ref}`);
      const latest = latestPerContext(state.statuses.filter((s) => s.sha === sha));
      const combined = latest.some((s) => s.state === 'error' || s.state === 'failure')
        ? 'failure'
        : latest.length === 0 || latest.some((s) => s.state === 'pending')
          ? 'pending'
          : 'success';
      const { page, headers } = paginate(latest, query, selfUrl());
      return {
        status: 200,
        headers,
        body: {
          state: combined,
          statuses: page.map((s) => {
            const {
              id,
              node_id,
              url,
              state: st,
              description,
              target_url,
              context,
              created_at,
              updated_at,
              avatar_url
            } = state.renderStatus(s);
            return {
              id,
              node_id,
              url,
              state: st,
              description,
              target_url,
              context,
              created_at,
              updated_at,
              avatar_url,
              required: false
            };
          }),
          sha,
          total_count: latest.length,
          repository: { id: 1, node_id: 'R_1', name: state.repo, full_name: `${state.owner}/${state.repo}` },
          commit_url: `${state.repoApi}/commits/${sha}`,
          url: `${state.repoApi}/commits/${sha}/status`
        }
      };
    },
    'repos/create-commit-status': ({ params, body, state }) => {
      const record = state.addStatus({
        sha: params.sha!,
        context: (body.context as string | undefined) ?? 'default',
        state: body.state as 'success',
        description: (body.description as string | undefined) ?? null,
        targetUrl: (body.target_url as string | undefined) ?? null
      });
      return { status: 201, body: state.renderStatus(record) };
    },
    'actions/get-workflow-run': ({ params, state }) => {
      const run = state.workflowRuns.find((r) => r.id === Number(params.run_id));
      return run
        ? { status: 200, body: state.renderWorkflowRun(run, api.example('workflow-run') as Json) }
        : error(404, 'Not Found');
    },
    'repos/compare-commits-with-basehead': ({ params, state }) => {
      const match = /^(.+?)\.\.\.(.+)$/.exec(params.basehead!);
      if (!match) return error(404, 'Not Found');
      const [, base, head] = match as unknown as [string, string, string];
      const baseSha = state.resolveRef(base);
      const headSha = state.resolveRef(head);
      if (!baseSha || !headSha) return error(404, 'Not Found');
      if (baseSha === headSha)
        return { status: 200, body: state.renderComparison(base, head, { aheadBy: 0, behindBy: 0 }) };
      const counts = state.comparisons.get(`${baseSha}...${headSha}`);
      if (!counts)
        return {
          ...error(404, 'Not Found'),
          unconfigured: `no comparison of ${base}...${head} was seeded`
        } as Answer;
      return { status: 200, body: state.renderComparison(base, head, counts) };
    },
    'repos/get-content': ({ params, query, state }) => {
      const ref = query.get('ref') ?? state.defaultBranch;
      const sha = state.resolveRef(ref) ?? ref;
      const text = state.files.get(`${sha}:${params.path}`);
      if (text === undefined) return error(404, 'Not Found');
      return {
        status: 200,
        body: state.renderFile(
          ref,
          params.path!,
          text,
          api.example('content-file-response-if-content-is-a-file') as Json
        )
      };
    },
    'issues/list-for-repo': ({ query, state }) => {
      const wanted = query.get('state') ?? 'open';
      const labels = (query.get('labels') ?? '')
        .split(',')
        .map((l) => l.trim().toLowerCase())
        .filter(Boolean);
      const direction = query.get('direction') ?? 'desc';
      const issues = state.issues
        .filter((i) => wanted === 'all' || i.state === wanted)
        .filter((i) => labels.every((label) => i.labels.some((l) => l.toLowerCase() === label)))
        .sort((a, b) => (direction === 'asc' ? a.id - b.id : b.id - a.id));
      const { page, headers } = paginate(issues, query, selfUrl());
      return { status: 200, body: page.map((i) => state.renderIssue(i)), headers };
    },
    'issues/create': ({ body, state }) => {
      const labels = ((body.labels as unknown[] | undefined) ?? []).map((l) =>
        typeof l === 'string' ? l : String((l as Json).name)
      );
      const record = state.addIssue({
        title: String(body.title),
        labels,
        ...(typeof body.body === 'string' ? { body: body.body } : {}),
        assignees: ((body.assignees as unknown[] | undefined) ?? []).map(String),
        author: state.tokenUser
      });
      return { status: 201, body: state.renderIssue(record) };
    },
    'actions/list-repo-secrets': ({ query, state }) => {
      const secrets = state.listSecrets();
      const { page, headers } = paginate(secrets, query, selfUrl());
      return {
        status: 200,
        headers,
        body: { total_count: secrets.length, secrets: page.map((s) => state.renderSecret(s)) }
      };
    },
    'actions/list-environment-secrets': ({ params, query, state }) => {
      const environment = state.findEnvironment(params.environment_name!);
      if (!environment) return error(404, 'Not Found');
      const secrets = state.listSecrets(environment.name);
      const { page, headers } = paginate(secrets, query, selfUrl());
      return {
        status: 200,
        headers,
        body: { total_count: secrets.length, secrets: page.map((s) => state.renderSecret(s)) }
      };
    },
    'repos/get-environment': ({ params, state }) => {
      const environment = state.findEnvironment(params.environment_name!);
      return environment
        ? { status: 200, body: state.renderEnvironment(environment) }
        : error(404, 'Not Found');
    },
    'repos/get-all-environments': ({ query, state }) => {
      const { page, headers } = paginate(state.environments, query, selfUrl());
      return {
        status: 200,
        headers,
        body: {
          total_count: state.environments.length,
          environments: page.map((e) => state.renderEnvironment(e))
        }
      };
    },
    'repos/list-deployments': ({ query, state }) => {
      const deployments = state.deployments
        .filter((d) => !query.has('sha') || d.sha === query.get('sha'))
        .filter((d) => !query.has('ref') || d.ref === query.get('ref'))
        .filter((d) => !query.has('task') || d.task === query.get('task'))
        .filter((d) => !query.has('environment') || d.environment === query.get('environment'))
        .sort((a, b) => b.id - a.id);
      const { page, headers } = paginate(deployments, query, selfUrl());
      return { status: 200, body: page.map((d) => state.renderDeployment(d)), headers };
    },
    'repos/get-deployment': ({ params, state }) => {
      const deployment = deploymentOr404(state, params.deployment_id!);
      return isAnswer(deployment) ? deployment : { status: 200, body: state.renderDeployment(deployment) };
    },
    'repos/create-deployment': ({ body, state }) => {
      const ref = String(body.ref);
      const sha = state.resolveRef(ref);
      if (!sha) return error(422, `No ref found for: ${ref}`);
      // Like GitHub: without required_contexts every context on the commit must be green.
      const checks = [
        ...latestPerContext(state.statuses.filter((s) => s.sha === sha)).map((s) => ({
          context: s.context,
          state: s.state
        })),
        ...state.checkRuns
          .filter((r) => r.sha === sha)
          .map((r) => ({
            context: r.name,
            state: r.status === 'completed' ? (r.conclusion === 'success' ? 'success' : 'failure') : 'pending'
          }))
      ];
      const required = Array.isArray(body.required_contexts)
        ? (body.required_contexts as string[])
        : undefined;
      const relevant =
        required === undefined
          ? checks
          : required.map(
              (context) => checks.find((c) => c.context === context) ?? { context, state: 'missing' }
            );
      const failing = relevant.filter((c) => c.state !== 'success');
      if (failing.length > 0) {
        return error(409, `Conflict: Commit status checks failed for ${ref}.`, {
          errors: [{ contexts: failing, resource: 'Deployment', field: 'required_contexts', code: 'invalid' }]
        });
      }
      const environment = (body.environment as string | undefined) ?? 'production';
      const record = state.addDeployment({
        sha,
        ref,
        environment,
        task: (body.task as string | undefined) ?? 'deploy',
        description: (body.description as string | undefined) ?? null,
        payload: typeof body.payload === 'string' ? JSON.parse(body.payload || '{}') : (body.payload ?? {}),
        transient: body.transient_environment === true,
        production: (body.production_environment as boolean | undefined) ?? environment === 'production',
        creator: state.tokenUser
      });
      return { status: 201, body: state.renderDeployment(record) };
    },
    'repos/list-deployment-statuses': ({ params, query, state }) => {
      const deployment = deploymentOr404(state, params.deployment_id!);
      if (isAnswer(deployment)) return deployment;
      const statuses = [...deployment.statuses].reverse();
      const { page, headers } = paginate(statuses, query, selfUrl());
      return { status: 200, body: page.map((s) => state.renderDeploymentStatus(deployment, s)), headers };
    },
    'repos/create-deployment-status': ({ params, body, state }) => {
      const deployment = deploymentOr404(state, params.deployment_id!);
      if (isAnswer(deployment)) return deployment;
      const stateName = body.state as DeploymentRecord['statuses'][number]['state'];
      const logUrl = (body.log_url as string | undefined) ?? (body.target_url as string | undefined) ?? '';
      const record = state.addDeploymentStatus(deployment.id, {
        state: stateName,
        description: (body.description as string | undefined) ?? '',
        environmentUrl: (body.environment_url as string | undefined) ?? '',
        logUrl,
        creator: state.tokenUser
      });
      // GitHub's auto_inactive: earlier successful, non-transient, non-production deployments of the
      // environment get an `inactive` status.
      if (stateName === 'success' && body.auto_inactive !== false) {
        state.deactivateEarlierDeployments(deployment, { spareProduction: true });
      }
      return { status: 201, body: state.renderDeploymentStatus(deployment, record) };
    }
  };
}

/** Starts the fake on a free loopback port. */
export async function startGitHubFake(
  options: { token?: string; state?: GitHubState } = {}
): Promise<GitHubFake> {
  const api = GitHubOpenApi.shared();
  const state = options.state ?? new GitHubState();
  const token = options.token ?? `ghs_fake${globalThis.crypto.randomUUID().replace(/-/g, '')}`;
  const calls: FakeCall[] = [];
  const violations: Violation[] = [];
  const injections: Injection[] = [];
  const denied = new Set<Permission>();
  /** Tokens other than the fake's own, with what each may do. */
  const personalTokens = new Map<string, ReadonlySet<Permission>>();
  const listeners: ((call: FakeCall) => void)[] = [];
  const sockets = new Set<Socket>();
  let baseUrl = '';
  let requestUrl = new URL('http://127.0.0.1/');
  const table = handlers(api, () => requestUrl);
  let remaining = 5000;
  const resetAt = () => Math.floor(Date.now() / 1000) + 3600;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requestUrl = new URL(req.url ?? '/', baseUrl);
      const method = req.method ?? 'GET';
      const path = requestUrl.pathname;
      const callName = `${method} ${path}${requestUrl.search}`;
      const call: FakeCall = { method, path, query: Object.fromEntries(requestUrl.searchParams), status: 0 };
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
      const send = (answer: Answer, matched?: MatchedOperation) => {
        call.status = answer.status;
        if (matched) {
          const problems = api.validateResponse(matched, answer.status, answer.body);
          if (problems.length) violations.push({ kind: 'response', call: callName, problems });
        }
        remaining = Math.max(0, remaining - 1);
        const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
        res.writeHead(answer.status, {
          ...state.headers(),
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': String(remaining),
          'x-ratelimit-reset': String(resetAt()),
          'x-ratelimit-used': String(5000 - remaining),
          'x-ratelimit-resource': 'core',
          'x-github-request-id': `FAKE:${calls.length}`,
          ...headers,
          ...answer.headers,
          'content-length': String(Buffer.byteLength(text))
        });
        res.end(text);
        calls.push(call);
        for (const listener of listeners) listener(call);
      };

      const auth = req.headers.authorization ?? '';
      const presented = auth.replace(/^(token|bearer) /i, '');
      if (!/^(token|bearer) /i.test(auth) || (presented !== token && !personalTokens.has(presented))) {
        violations.push({
          kind: 'auth',
          call: callName,
          problems: [{ where: 'header.authorization', message: auth ? 'is not the token' : 'is missing' }]
        });
        send(error(401, 'Bad credentials'));
        return;
      }
      const matched = api.match(method, path);
      if (!matched) {
        violations.push({
          kind: 'route',
          call: callName,
          problems: [
            {
              where: 'path',
              message: api.hasPath(path)
                ? `GitHub does not answer ${method} here`
                : 'GitHub has no such endpoint'
            }
          ]
        });
        send(error(404, 'Not Found'));
        return;
      }
      const { operation } = matched;
      call.operationId = operation.operationId;
      let body: unknown;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text !== '') {
        try {
          body = JSON.parse(text);
          call.body = body;
        } catch {
          violations.push({
            kind: 'request',
            call: callName,
            problems: [{ where: 'body', message: 'is not JSON' }]
          });
          send(error(400, 'Problems parsing JSON'), matched);
          return;
        }
      }
      const problems = api.validateRequest(matched, {
        query: requestUrl.searchParams,
        body,
        contentType: req.headers['content-type']
      });
      const owner = matched.pathParams.owner;
      const repo = matched.pathParams.repo;
      if (owner !== undefined && (owner !== state.owner || repo !== state.repo))
        problems.push({
          where: 'path',
          message: `the fake serves ${state.owner}/${state.repo}, not ${owner}/${repo}`
        });
      if (problems.length) {
        violations.push({ kind: 'request', call: callName, problems });
        send(
          {
            ...error(422, 'Validation Failed', {
              errors: problems.map((p) => ({
                resource: operation.operationId,
                field: p.where,
                code: 'invalid',
                message: p.message
              }))
            })
          },
          matched
        );
        return;
      }
      const injection = injections.find(
        (i) => i.remaining > 0 && (!i.operationId || i.operationId === operation.operationId)
      );
      if (injection) {
        injection.remaining--;
        call.injected = injection.kind;
        if (injection.kind === 'failure') {
          send(error(injection.status, injection.status === 502 ? 'Bad Gateway' : 'Server Error'), matched);
        } else if (injection.rateLimit === 'secondary') {
          send(
            {
              ...error(
                injection.status,
                'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
              ),
              headers: { 'retry-after': String(injection.resetAfterSeconds ?? 1) }
            },
            matched
          );
        } else {
          const reset = Math.ceil(Date.now() / 1000) + (injection.resetAfterSeconds ?? 1);
          send(
            {
              ...error(injection.status, 'API rate limit exceeded for installation ID 1000.'),
              headers: {
                'x-ratelimit-remaining': '0',
                'x-ratelimit-reset': String(reset),
                'x-ratelimit-used': '5000'
              }
            },
            matched
          );
        }
        return;
      }
      const permission = permissionOf(operation.operationId);
      const personal = personalTokens.get(presented);
      if (
        personal
          ? !personal.has(permission)
          : denied.has(permission) || NEVER_GITHUB_TOKEN.includes(permission)
      ) {
        call.injected = 'permission';
        // GitHub names what a fine-grained token or App lacks in this header.
        send(
          {
            ...error(
              403,
              personal
                ? 'Resource not accessible by personal access token'
                : 'Resource not accessible by integration'
            ),
            headers: {
              'x-accepted-github-permissions': `${permission}=${method === 'GET' ? 'read' : 'write'}`
            }
          },
          matched
        );
        return;
      }
      const handler = table[operation.operationId];
      if (!handler) {
        violations.push({
          kind: 'unimplemented',
          call: callName,
          problems: [{ where: 'operation', message: `the fake does not implement ${operation.operationId}` }]
        });
        send(error(404, 'Not Found'), matched);
        return;
      }
      const answer = handler({
        params: matched.pathParams,
        query: requestUrl.searchParams,
        body: (body ?? {}) as Json,
        state
      });
      const unconfigured = (answer as Answer & { unconfigured?: string }).unconfigured;
      if (unconfigured)
        violations.push({
          kind: 'unconfigured',
          call: callName,
          problems: [{ where: 'state', message: unconfigured }]
        });
      send({ status: answer.status, body: answer.body, headers: answer.headers ?? {} }, matched);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.apiUrl = baseUrl;

  return {
    url: baseUrl,
    token,
    state,
    calls,
    violations,
    failNext: ({ times = 1, status = 502, operationId } = {}) => {
      injections.push({ remaining: times, kind: 'failure', status, ...(operationId ? { operationId } : {}) });
    },
    rateLimitNext: ({
      times = 1,
      kind = 'primary',
      status = 403,
      resetAfterSeconds = 1,
      operationId
    } = {}) => {
      injections.push({
        remaining: times,
        kind: 'rate-limit',
        rateLimit: kind,
        status,
        resetAfterSeconds,
        ...(operationId ? { operationId } : {})
      });
    },
    denyPermission: (permission) => denied.add(permission),
    addToken: (permissions) => {
      const personal = `github_pat_fake${globalThis.crypto.randomUUID().replace(/-/g, '')}`;
      personalTokens.set(personal, new Set(permissions));
      return personal;
    },
    onCall: (listener) => listeners.push(listener),
    callsTo: (operationId) => calls.filter((c) => c.operationId === operationId),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })
  };
}
