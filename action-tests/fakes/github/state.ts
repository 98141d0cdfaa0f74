/**
 * The state of the fake's one repository: commits and branches, check runs and their suites,
 * commit statuses, comparisons, issues, environments, deployments and their statuses, workflow
 * runs, and the names and dates of repository and environment secrets (GitHub never returns values). Tests seed it before a run and read it after (what was created); the server renders each
 * record into GitHub's JSON shape from the corpus templates.
 */
import { createHash } from 'node:crypto';
import { templates, type Templates } from './corpus.ts';

type Json = Record<string, unknown>;

export interface CheckRunRecord {
  id: number;
  sha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion:
    'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null;
  checkSuiteId: number;
  /** App slug: `github-actions` for workflow jobs. */
  app: string;
  /** For workflow jobs: the run it belongs to. */
  workflowRunId?: number;
  detailsUrl: string | null;
  externalId: string;
  startedAt: string;
  completedAt: string | null;
}

export interface CommitStatusRecord {
  id: number;
  sha: string;
  context: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  description: string | null;
  targetUrl: string | null;
  createdAt: string;
}

export interface IssueRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  labels: string[];
  /** Logins assigned; only collaborators (see `collaborators`) stick, as on GitHub. */
  assignees: string[];
  pullRequest: boolean;
  createdAt: string;
  author: string;
}

/** What `base...head` holds: the counts, and the commits and changed files when seeded. */
export interface ComparisonRecord {
  aheadBy: number;
  behindBy: number;
  commits?: { sha: string; message: string; author?: string }[];
  files?: string[];
}

export interface EnvironmentRecord {
  id: number;
  name: string;
  reviewers: { type: 'User' | 'Team'; name: string }[];
  preventSelfReview: boolean;
  waitTimer?: number;
  branchPolicy?: 'protected' | 'custom';
  createdAt: string;
}

/** A secret as GitHub lists it: no value, only its name and dates. */
export interface SecretRecord {
  name: string;
  /** Set for an environment secret: the environment's name as it was created. */
  environment?: string;
  createdAt: string;
  updatedAt: string;
}

export interface DeploymentStatusRecord {
  id: number;
  state: 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';
  description: string;
  environmentUrl: string;
  logUrl: string;
  createdAt: string;
  creator: string;
}

export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  transient: boolean;
  production: boolean;
  createdAt: string;
  creator: string;
  /** Oldest first. */
  statuses: DeploymentStatusRecord[];
}

export interface WorkflowRunRecord {
  id: number;
  name: string;
  headSha: string;
  checkSuiteId: number;
  createdAt: string;
}

/** Second-precision ISO time, as GitHub writes it. */
export function githubTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class GitHubState {
  readonly owner: string;
  readonly repo: string;
  /** Seen as the fake's own base URL once the server listens. */
  apiUrl = 'https://api.github.com';
  readonly serverUrl = 'https://github.com';
  readonly defaultBranch: string;
  readonly branches = new Map<string, string>();
  readonly checkRuns: CheckRunRecord[] = [];
  readonly statuses: CommitStatusRecord[] = [];
  /** `baseSha...headSha` → counts, commits and files. */
  readonly comparisons = new Map<string, ComparisonRecord>();
  /** File contents by `ref:path` (the repository contents API). */
  readonly files = new Map<string, string>();
  /** Who can be assigned to issues; undefined: anybody. */
  collaborators: Set<string> | undefined;
  readonly issues: IssueRecord[] = [];
  readonly environments: EnvironmentRecord[] = [];
  readonly deployments: DeploymentRecord[] = [];
  readonly workflowRuns: WorkflowRunRecord[] = [];
  readonly secrets: SecretRecord[] = [];
  /** The login of the token's user (creator of what the client creates). */
  tokenUser = 'github-actions[bot]';
  private nextId = 1000;
  private clock = Date.parse('2026-03-02T09:00:00Z');
  private readonly t: Templates = templates();

  constructor(options: { owner?: string; repo?: string; defaultBranch?: string } = {}) {
    this.owner = options.owner ?? 'octo-org';
    this.repo = options.repo ?? 'shop';
    this.defaultBranch = options.defaultBranch ?? 'main';
  }

  private id(): number {
    return this.nextId++;
  }

  /** Timestamps move one second per record, so ordering by time is unambiguous. */
  now(): string {
    this.clock += 1000;
    return githubTime(this.clock);
  }

  get repoApi(): string {
    return `${this.apiUrl}/repos/${this.owner}/${this.repo}`;
  }

  get repoHtml(): string {
    return `${this.serverUrl}/${this.owner}/${this.repo}`;
  }

  // ---- seeding -----------------------------------------------------------------------------

  setBranch(name: string, sha: string): void {
    this.branches.set(name, sha);
  }

  /** Declares how `head` relates to `base` (shas or branch names). */
  setComparison(base: string, head: string, comparison: ComparisonRecord): void {
    this.comparisons.set(`${this.resolveRef(base) ?? base}...${this.resolveRef(head) ?? head}`, comparison);
  }

  /** A file of the repository at `ref` (a sha or a branch), served by the contents API. */
  setFile(ref: string, path: string, text: string): void {
    this.files.set(`${this.resolveRef(ref) ?? ref}:${path}`, text);
  }

  /** A sha for a ref: a full sha as is, a branch (`main`, `heads/main`, `refs/heads/main`). */
  resolveRef(ref: string): string | undefined {
    if (/^[0-9a-f]{40}$/.test(ref)) return ref;
    const branch = ref.replace(/^(refs\/)?heads\//, '');
    return this.branches.get(branch);
  }

  addWorkflowRun(run: { id: number; name?: string; headSha: string }): WorkflowRunRecord {
    const existing = this.workflowRuns.find((r) => r.id === run.id);
    if (existing) return existing;
    const record: WorkflowRunRecord = {
      id: run.id,
      name: run.name ?? 'deploy',
      headSha: run.headSha,
      checkSuiteId: this.id(),
      createdAt: this.now()
    };
    this.workflowRuns.push(record);
    return record;
  }

  /**
   * A check run. With `workflowRunId` it is a GitHub Actions job of that run (its check suite,
   * `html_url`/`details_url` under `/actions/runs/<id>/job/<job>`); otherwise another app's check.
   */
  addCheckRun(input: {
    sha: string;
    name: string;
    status?: CheckRunRecord['status'];
    conclusion?: CheckRunRecord['conclusion'];
    app?: string;
    workflowRunId?: number;
    checkSuiteId?: number;
    detailsUrl?: string | null;
  }): CheckRunRecord {
    const status = input.status ?? 'completed';
    const run =
      input.workflowRunId !== undefined
        ? this.addWorkflowRun({ id: input.workflowRunId, headSha: input.sha })
        : undefined;
    const id = this.id();
    const record: CheckRunRecord = {
      id,
      sha: input.sha,
      name: input.name,
      status,
      conclusion:
        status === 'completed' ? (input.conclusion === undefined ? 'success' : input.conclusion) : null,
      checkSuiteId:
        input.checkSuiteId ?? run?.checkSuiteId ?? this.suiteFor(input.app ?? 'other-ci', input.sha),
      app: input.app ?? (run ? 'github-actions' : 'other-ci'),
      ...(run ? { workflowRunId: run.id } : {}),
      detailsUrl:
        input.detailsUrl !== undefined
          ? input.detailsUrl
          : run
            ? `${this.repoHtml}/actions/runs/${run.id}/job/${id}`
            : `https://ci.example.com/builds/${id}`,
      externalId: run ? globalThis.crypto.randomUUID() : String(id),
      startedAt: this.now(),
      completedAt: status === 'completed' ? this.now() : null
    };
    this.checkRuns.push(record);
    return record;
  }

  private readonly suites = new Map<string, number>();
  private suiteFor(app: string, sha: string): number {
    const key = `${app}\0${sha}`;
    if (!this.suites.has(key)) this.suites.set(key, this.id());
    return this.suites.get(key)!;
  }

  /** Completes (or otherwise changes) a check run, as its app would. */
  updateCheckRun(id: number, change: Partial<Pick<CheckRunRecord, 'status' | 'conclusion'>>): void {
    const record = this.checkRuns.find((r) => r.id === id);
    if (!record) throw new Error(`no check run ${id}`);
    Object.assign(record, change);
    if (record.status === 'completed') {
      record.conclusion ??= 'success';
      record.completedAt ??= this.now();
    } else {
      record.conclusion = null;
      record.completedAt = null;
    }
  }

  addStatus(input: {
    sha: string;
    context: string;
    state: CommitStatusRecord['state'];
    description?: string | null;
    targetUrl?: string | null;
  }): CommitStatusRecord {
    const record: CommitStatusRecord = {
      id: this.id(),
      sha: input.sha,
      context: input.context,
      state: input.state,
      description: input.description ?? null,
      targetUrl: input.targetUrl ?? null,
      createdAt: this.now()
    };
    this.statuses.push(record);
    return record;
  }

  addIssue(input: {
    title: string;
    labels?: string[];
    state?: 'open' | 'closed';
    pullRequest?: boolean;
    body?: string;
    author?: string;
    assignees?: string[];
  }): IssueRecord {
    const record: IssueRecord = {
      id: this.id(),
      number: this.issues.length + 1,
      title: input.title,
      body: input.body ?? null,
      state: input.state ?? 'open',
      labels: input.labels ?? [],
      assignees: (input.assignees ?? []).filter((login) => this.collaborators?.has(login) ?? true),
      pullRequest: input.pullRequest ?? false,
      createdAt: this.now(),
      author: input.author ?? 'octocat'
    };
    this.issues.push(record);
    return record;
  }

  addEnvironment(input: {
    name: string;
    reviewers?: EnvironmentRecord['reviewers'];
    preventSelfReview?: boolean;
    waitTimer?: number;
    branchPolicy?: EnvironmentRecord['branchPolicy'];
  }): EnvironmentRecord {
    const record: EnvironmentRecord = {
      id: this.id(),
      name: input.name,
      reviewers: input.reviewers ?? [],
      preventSelfReview: input.preventSelfReview ?? false,
      ...(input.waitTimer !== undefined ? { waitTimer: input.waitTimer } : {}),
      ...(input.branchPolicy !== undefined ? { branchPolicy: input.branchPolicy } : {}),
      createdAt: this.now()
    };
    this.environments.push(record);
    return record;
  }

  /**
   * A repository secret, or an environment secret of an environment added before (GitHub keeps
   * names upper case). Setting a name again updates it, as rotating the value does.
   */
  addSecret(input: {
    name: string;
    environment?: string;
    updatedAt: string;
    createdAt?: string;
  }): SecretRecord {
    const environment =
      input.environment === undefined ? undefined : this.findEnvironment(input.environment)?.name;
    if (input.environment !== undefined && environment === undefined)
      throw new Error(`addSecret: environment ${input.environment} does not exist (addEnvironment first)`);
    const name = input.name.toUpperCase();
    const existing = this.secrets.find((s) => s.name === name && s.environment === environment);
    if (existing) {
      existing.updatedAt = input.updatedAt;
      return existing;
    }
    const record: SecretRecord = {
      name,
      ...(environment !== undefined ? { environment } : {}),
      createdAt: input.createdAt ?? input.updatedAt,
      updatedAt: input.updatedAt
    };
    this.secrets.push(record);
    return record;
  }

  /** The secrets of the repository (`environment` undefined) or of one environment, by name. */
  listSecrets(environment?: string): SecretRecord[] {
    return this.secrets
      .filter((s) =>
        environment === undefined
          ? s.environment === undefined
          : s.environment?.toLowerCase() === environment.toLowerCase()
      )
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  renderSecret(record: SecretRecord): Json {
    return { name: record.name, created_at: record.createdAt, updated_at: record.updatedAt };
  }

  findEnvironment(name: string): EnvironmentRecord | undefined {
    // Environment names are case-insensitive on GitHub.
    return this.environments.find((e) => e.name.toLowerCase() === name.toLowerCase());
  }

  addDeployment(input: {
    sha: string;
    environment: string;
    ref?: string;
    task?: string;
    description?: string | null;
    payload?: unknown;
    transient?: boolean;
    production?: boolean;
    /** Statuses to add, oldest first. */
    statuses?: DeploymentStatusRecord['state'][];
    creator?: string;
  }): DeploymentRecord {
    const record: DeploymentRecord = {
      id: this.id(),
      sha: input.sha,
      ref: input.ref ?? input.sha,
      task: input.task ?? 'deploy',
      environment: input.environment,
      description: input.description ?? null,
      payload: input.payload ?? {},
      transient: input.transient ?? false,
      production: input.production ?? /^prod/i.test(input.environment),
      createdAt: this.now(),
      creator: input.creator ?? 'octocat',
      statuses: []
    };
    this.deployments.push(record);
    for (const state of input.statuses ?? []) this.addDeploymentStatus(record.id, { state });
    return record;
  }

  addDeploymentStatus(
    deploymentId: number,
    input: {
      state: DeploymentStatusRecord['state'];
      description?: string;
      environmentUrl?: string;
      logUrl?: string;
      creator?: string;
    }
  ): DeploymentStatusRecord {
    const deployment = this.deployments.find((d) => d.id === deploymentId);
    if (!deployment) throw new Error(`no deployment ${deploymentId}`);
    const record: DeploymentStatusRecord = {
      id: this.id(),
      state: input.state,
      description: input.description ?? '',
      environmentUrl: input.environmentUrl ?? '',
      logUrl: input.logUrl ?? '',
      createdAt: this.now(),
      creator: input.creator ?? deployment.creator
    };
    deployment.statuses.push(record);
    return record;
  }

  /**
   * Gives an `inactive` status to every earlier deployment of `deployment`'s environment whose
   * latest status is `success`. The REST API's `auto_inactive` spares transient and production
   * deployments (`spareProduction`); a GitHub Actions environment job deactivates them all.
   */
  deactivateEarlierDeployments(deployment: DeploymentRecord, options: { spareProduction: boolean }): void {
    for (const earlier of this.deployments) {
      if (earlier.id >= deployment.id || earlier.environment !== deployment.environment) continue;
      if (options.spareProduction && (earlier.transient || earlier.production)) continue;
      if (earlier.statuses.at(-1)?.state === 'success')
        this.addDeploymentStatus(earlier.id, { state: 'inactive' });
    }
  }

  // ---- rendering into GitHub's JSON ----------------------------------------------------------

  /** Headers GitHub sends with every answer (recorded traffic), before the per-answer ones. */
  headers(): Record<string, string> {
    return { ...this.t.headers };
  }

  private user(login: string): Json {
    const user = structuredClone(this.t.user);
    return {
      ...user,
      login,
      url: `${this.apiUrl}/users/${encodeURIComponent(login)}`,
      html_url: `${this.serverUrl}/${encodeURIComponent(login)}`
    };
  }

  renderCheckRun(record: CheckRunRecord): Json {
    const t = structuredClone(this.t.checkRun);
    const app = t.app as Json;
    delete t.deployment;
    return {
      ...t,
      id: record.id,
      node_id: Buffer.from(`CheckRun${record.id}`).toString('base64'),
      head_sha: record.sha,
      external_id: record.externalId,
      url: `${this.repoApi}/check-runs/${record.id}`,
      html_url:
        record.workflowRunId !== undefined
          ? `${this.repoHtml}/actions/runs/${record.workflowRunId}/job/${record.id}`
          : `${this.repoHtml}/runs/${record.id}`,
      details_url: record.detailsUrl,
      status: record.status,
      conclusion: record.conclusion,
      started_at: record.startedAt,
      completed_at: record.completedAt,
      output: {
        title: record.conclusion ? `${record.name}: ${record.conclusion}` : null,
        summary: null,
        text: null,
        annotations_count: 0,
        annotations_url: `${this.repoApi}/check-runs/${record.id}/annotations`
      },
      name: record.name,
      check_suite: { id: record.checkSuiteId },
      app: {
        ...app,
        slug: record.app,
        name: record.app === 'github-actions' ? 'GitHub Actions' : record.app
      },
      pull_requests: []
    };
  }

  renderStatus(record: CommitStatusRecord): Json {
    return {
      ...structuredClone(this.t.commitStatus),
      url: `${this.repoApi}/statuses/${record.sha}`,
      id: record.id,
      node_id: Buffer.from(`StatusContext${record.id}`).toString('base64'),
      state: record.state,
      description: record.description,
      target_url: record.targetUrl,
      context: record.context,
      created_at: record.createdAt,
      updated_at: record.createdAt,
      creator: this.user('octocat')
    };
  }

  renderWorkflowRun(record: WorkflowRunRecord, example: Json): Json {
    return {
      ...example,
      id: record.id,
      name: record.name,
      display_title: record.name,
      head_sha: record.headSha,
      head_branch: this.defaultBranch,
      run_number: 42,
      run_attempt: 1,
      check_suite_id: record.checkSuiteId,
      check_suite_node_id: Buffer.from(`CheckSuite${record.checkSuiteId}`).toString('base64'),
      url: `${this.repoApi}/actions/runs/${record.id}`,
      html_url: `${this.repoHtml}/actions/runs/${record.id}`,
      created_at: record.createdAt,
      updated_at: record.createdAt,
      status: 'in_progress',
      conclusion: null
    };
  }

  renderComparison(base: string, head: string, counts: ComparisonRecord): Json {
    const t = structuredClone(this.t.comparison);
    const status =
      counts.aheadBy === 0 && counts.behindBy === 0
        ? 'identical'
        : counts.behindBy === 0
          ? 'ahead'
          : counts.aheadBy === 0
            ? 'behind'
            : 'diverged';
    const withSha = (commit: unknown, sha: string) => ({
      ...(commit as Json),
      sha,
      url: `${this.repoApi}/commits/${sha}`
    });
    return {
      ...t,
      url: `${this.repoApi}/compare/${base}...${head}`,
      html_url: `${this.repoHtml}/compare/${base}...${head}`,
      permalink_url: `${this.repoHtml}/compare/${this.owner}:${base}...${this.owner}:${head}`,
      diff_url: `${this.repoHtml}/compare/${base}...${head}.diff`,
      patch_url: `${this.repoHtml}/compare/${base}...${head}.patch`,
      base_commit: withSha(t.base_commit, this.resolveRef(base) ?? base),
      merge_base_commit: withSha(t.merge_base_commit, this.resolveRef(base) ?? base),
      status,
      ahead_by: counts.aheadBy,
      behind_by: counts.behindBy,
      total_commits: counts.aheadBy,
      commits: (counts.commits ?? []).map((c) => {
        const rendered = withSha((t.commits as Json[])[0], c.sha) as Json;
        return {
          ...rendered,
          html_url: `${this.repoHtml}/commit/${c.sha}`,
          comments_url: `${this.repoApi}/commits/${c.sha}/comments`,
          commit: { ...(rendered.commit as Json), message: c.message },
          author: c.author ? this.user(c.author) : null,
          committer: c.author ? this.user(c.author) : null
        };
      }),
      files: (counts.files ?? []).map((filename) => ({
        ...(t.files as Json[])[0],
        filename,
        blob_url: `${this.repoHtml}/blob/${this.resolveRef(head) ?? head}/${filename}`,
        raw_url: `${this.repoHtml}/raw/${this.resolveRef(head) ?? head}/${filename}`,
        contents_url: `${this.repoApi}/contents/${filename}?ref=${this.resolveRef(head) ?? head}`
      }))
    };
  }

  /** A file as the contents API answers for it (`type: file`, base64 content in 60-character lines). */
  renderFile(ref: string, path: string, text: string, template: Json): Json {
    const content = Buffer.from(text, 'utf8').toString('base64');
    const blobSha = createHash('sha1')
      .update(`blob ${Buffer.byteLength(text)}\0${text}`)
      .digest('hex');
    const api = `${this.repoApi}/contents/${path}?ref=${ref}`;
    const html = `${this.repoHtml}/blob/${ref}/${path}`;
    const git = `${this.repoApi}/git/blobs/${blobSha}`;
    return {
      ...template,
      type: 'file',
      encoding: 'base64',
      size: Buffer.byteLength(text),
      name: path.split('/').at(-1),
      path,
      content: `${content.replace(/.{1,60}/g, '$&\n')}`,
      sha: blobSha,
      url: api,
      git_url: git,
      html_url: html,
      download_url: `https://raw.githubusercontent.com/${this.owner}/${this.repo}/${ref}/${path}`,
      _links: { git, self: api, html }
    };
  }

  renderIssue(record: IssueRecord): Json {
    const t = structuredClone(this.t.issue);
    const url = `${this.repoApi}/issues/${record.number}`;
    const rendered: Json = {
      ...t,
      id: record.id,
      node_id: Buffer.from(`Issue${record.id}`).toString('base64'),
      url,
      repository_url: this.repoApi,
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      timeline_url: `${url}/timeline`,
      html_url: `${this.repoHtml}/${record.pullRequest ? 'pull' : 'issues'}/${record.number}`,
      number: record.number,
      title: record.title,
      body: record.body,
      state: record.state,
      state_reason: record.state === 'closed' ? 'completed' : null,
      user: this.user(record.author),
      assignee: record.assignees[0] ? this.user(record.assignees[0]) : null,
      assignees: record.assignees.map((login) => this.user(login)),
      labels: record.labels.map((name, index) => ({
        ...structuredClone(this.t.label),
        id: 5000 + index,
        node_id: Buffer.from(`Label${name}`).toString('base64'),
        url: `${this.repoApi}/labels/${encodeURIComponent(name)}`,
        name,
        description: null,
        default: false
      })),
      closed_at: record.state === 'closed' ? record.createdAt : null,
      created_at: record.createdAt,
      updated_at: record.createdAt
    };
    if (record.pullRequest) {
      rendered.pull_request = {
        url: `${this.repoApi}/pulls/${record.number}`,
        html_url: `${this.repoHtml}/pull/${record.number}`,
        diff_url: `${this.repoHtml}/pull/${record.number}.diff`,
        patch_url: `${this.repoHtml}/pull/${record.number}.patch`,
        merged_at: null
      };
    } else {
      delete rendered.pull_request;
    }
    return rendered;
  }

  renderEnvironment(record: EnvironmentRecord): Json {
    const t = structuredClone(this.t.environment);
    const rules: Json[] = [];
    let ruleId = record.id * 10;
    if (record.waitTimer !== undefined)
      rules.push({ id: ruleId++, node_id: `GA_${ruleId}`, type: 'wait_timer', wait_timer: record.waitTimer });
    if (record.reviewers.length > 0) {
      rules.push({
        id: ruleId++,
        node_id: `GA_${ruleId}`,
        prevent_self_review: record.preventSelfReview,
        type: 'required_reviewers',
        reviewers: record.reviewers.map((reviewer) => {
          if (reviewer.type === 'User') {
            const user = structuredClone(this.t.userReviewer);
            return {
              ...user,
              reviewer: {
                ...(user.reviewer as Json),
                login: reviewer.name,
                html_url: `${this.serverUrl}/${reviewer.name}`
              }
            };
          }
          const team = structuredClone(this.t.teamReviewer);
          return {
            ...team,
            reviewer: {
              ...(team.reviewer as Json),
              name: reviewer.name,
              slug: reviewer.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
              html_url: `${this.serverUrl}/orgs/${this.owner}/teams/${reviewer.name.toLowerCase()}`
            }
          };
        })
      });
    }
    if (record.branchPolicy !== undefined)
      rules.push({ id: ruleId++, node_id: `GA_${ruleId}`, type: 'branch_policy' });
    return {
      ...t,
      id: record.id,
      node_id: Buffer.from(`Environment${record.id}`).toString('base64'),
      name: record.name,
      url: `${this.repoApi}/environments/${encodeURIComponent(record.name)}`,
      html_url: `${this.repoHtml}/deployments/activity_log?environments_filter=${encodeURIComponent(record.name)}`,
      created_at: record.createdAt,
      updated_at: record.createdAt,
      protection_rules: rules,
      deployment_branch_policy:
        record.branchPolicy === undefined
          ? null
          : {
              protected_branches: record.branchPolicy === 'protected',
              custom_branch_policies: record.branchPolicy === 'custom'
            }
    };
  }

  renderDeployment(record: DeploymentRecord): Json {
    const url = `${this.repoApi}/deployments/${record.id}`;
    return {
      ...structuredClone(this.t.deployment),
      url,
      id: record.id,
      node_id: Buffer.from(`Deployment${record.id}`).toString('base64'),
      sha: record.sha,
      ref: record.ref,
      task: record.task,
      payload: record.payload,
      original_environment: record.environment,
      environment: record.environment,
      description: record.description,
      creator: this.user(record.creator),
      created_at: record.createdAt,
      updated_at: record.statuses.at(-1)?.createdAt ?? record.createdAt,
      statuses_url: `${url}/statuses`,
      repository_url: this.repoApi,
      transient_environment: record.transient,
      production_environment: record.production
    };
  }

  renderDeploymentStatus(deployment: DeploymentRecord, record: DeploymentStatusRecord): Json {
    const deploymentUrl = `${this.repoApi}/deployments/${deployment.id}`;
    return {
      ...structuredClone(this.t.deploymentStatus),
      url: `${deploymentUrl}/statuses/${record.id}`,
      id: record.id,
      node_id: Buffer.from(`DeploymentStatus${record.id}`).toString('base64'),
      state: record.state,
      creator: this.user(record.creator),
      description: record.description,
      environment: deployment.environment,
      target_url: record.logUrl,
      created_at: record.createdAt,
      updated_at: record.createdAt,
      deployment_url: deploymentUrl,
      repository_url: this.repoApi,
      environment_url: record.environmentUrl,
      log_url: record.logUrl
    };
  }
}
