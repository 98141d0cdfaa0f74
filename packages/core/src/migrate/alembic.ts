/**
 * The alembic side of migrate-dry-run: a typed client for alembic_driver.py, which runs inside the
 * project's own Python (the one that has alembic and the project's env.py). The transport that
 * starts Python is passed in; this module only shapes requests and checks the answers.
 */
import { z } from 'zod';

/** Starts the driver with one request and returns what it wrote, or why it could not run. */
export interface DriverTransport {
  /**
   * Runs `python alembic_driver.py` with the request in the alembic working directory. `databaseUrl`
   * is passed in the environment, never on the command line. Throws PythonNotRunnable when the
   * interpreter cannot be started; resolves with the parsed result file otherwise.
   */
  call(
    request: Record<string, unknown>,
    options: { timeoutMs: number; databaseUrl?: string }
  ): Promise<DriverOutput>;
}

export interface DriverOutput {
  /** The parsed result file, or undefined when the driver wrote none (it crashed or was killed). */
  result: unknown;
  exitCode: number | null;
  /** The driver's and alembic's log (stderr), for the debug log and for errors. */
  stderr: string;
}

/** The interpreter named by `python` could not be started at all (not found, not executable). */
export class PythonNotRunnable extends Error {
  override name = 'PythonNotRunnable';
}

/** The driver reported a failure; `kind` says what went wrong (see alembic_driver.py). */
export class AlembicDriverError extends Error {
  override name = 'AlembicDriverError';
  constructor(
    readonly kind: string,
    message: string,
    readonly details: Record<string, unknown> = {}
  ) {
    super(message);
  }
}

const revisionInfo = z.object({
  revision: z.string(),
  parents: z.array(z.string()),
  path: z.string(),
  doc: z.string(),
  upgradeLine: z.number().int().nullable(),
  downgradeLine: z.number().int().nullable()
});
export type RevisionInfo = z.infer<typeof revisionInfo>;

const probeResult = z.object({
  python: z.string(),
  executable: z.string(),
  alembic: z.string(),
  sqlalchemy: z.string()
});
export type ProbeResult = z.infer<typeof probeResult>;

const planResult = z.object({
  from: z.string(),
  to: z.string(),
  heads: z.array(z.string()),
  revisions: z.array(revisionInfo),
  history: z.array(revisionInfo)
});
export type RevisionPlan = z.infer<typeof planResult>;

const chunk = z.object({
  text: z.string(),
  line: z.number().int().nullable(),
  op: z.string().nullable(),
  constraintType: z.string().nullable()
});
export type OfflineChunk = z.infer<typeof chunk>;

const offlineStep = z.object({
  revision: z.string(),
  ok: z.boolean(),
  chunks: z.array(chunk),
  error: z
    .object({
      type: z.string(),
      message: z.string(),
      line: z.number().int().nullable(),
      getBindLines: z.array(z.number().int())
    })
    .nullable(),
  ms: z.number()
});
export type OfflineStep = z.infer<typeof offlineStep>;

const offlineResult = z.object({ steps: z.array(offlineStep) });

/** One revision's offline SQL: `start:revision` upgrading, or `revision:start` downgrading. */
export interface OfflineRequest {
  revision: string;
  start: string;
  direction?: 'upgrade' | 'downgrade';
}

const downgradeResult = z.object({
  before: z.array(z.string()),
  after: z.array(z.string()),
  /** Why alembic failed; its transaction was rolled back. */
  error: z.string().nullable(),
  ms: z.number(),
  /** Rows of every table (schema.name) just before and just after the downgrade. */
  rows: z.object({ before: z.record(z.string(), z.number()), after: z.record(z.string(), z.number()) })
});
export type DowngradeResult = z.infer<typeof downgradeResult>;

const pingResult = z.object({ serverVersionNum: z.number(), database: z.string() });
export type PingResult = z.infer<typeof pingResult>;

const downgradeInspection = z.object({
  ping: pingResult,
  heads: z.array(z.string()),
  /** Absent when the database is not at exactly one revision. */
  plan: planResult.optional(),
  /**
   * The revisions the downgrade undoes, in the order alembic undoes them, and where it ends;
   * absent when no target was named and the head is a merge.
   */
  path: z.object({ to: z.string(), revisions: z.array(revisionInfo) }).optional(),
  /** The offline SQL of every upgrade up to the head, then of each downgrade on the path. */
  offline: z.array(offlineStep).optional()
});
export type DowngradeInspection = z.infer<typeof downgradeInspection>;

const currentResult = z.object({ heads: z.array(z.string()) });

const columnSnapshot = z.object({
  type: z.string(),
  notNull: z.boolean(),
  default: z.string().nullable(),
  identity: z.string().nullable()
});
const tableSchema = z.object({
  columns: z.record(z.string(), columnSnapshot),
  constraints: z.record(z.string(), z.string()),
  indexes: z.record(z.string(), z.string()),
  triggers: z.record(z.string(), z.string())
});
const schemaSnapshot = z.object({
  tables: z.record(z.string(), tableSchema),
  enums: z.record(z.string(), z.array(z.string())),
  views: z.record(z.string(), z.object({ materialized: z.boolean(), definition: z.string() })),
  sequences: z.array(z.string())
});
export type SchemaSnapshot = z.infer<typeof schemaSnapshot>;

const tableData = z.object({
  rows: z.number(),
  columns: z.record(z.string(), z.object({ nonNull: z.number(), checksum: z.string() }))
});
const dataSnapshot = z.record(z.string(), tableData);
export type DataSnapshot = z.infer<typeof dataSnapshot>;

const snapshot = z.object({ schema: schemaSnapshot, data: dataSnapshot });
export type DatabaseSnapshot = z.infer<typeof snapshot>;

const rehearsalStep = z.object({
  name: z.string(),
  kind: z.enum(['prepare', 'seed', 'upgrade', 'downgrade', 'reupgrade']),
  revision: z.string().nullable(),
  ok: z.boolean(),
  error: z.string().optional(),
  line: z.number().int().nullable().optional(),
  ms: z.number()
});
export type RehearsalStep = z.infer<typeof rehearsalStep>;

const rehearsalResult = z.object({
  steps: z.array(rehearsalStep),
  snapshots: z.object({
    before: snapshot.optional(),
    afterUpgrade: snapshot.optional(),
    afterDowngrade: snapshot.optional(),
    afterReupgrade: snapshot.optional()
  }),
  downgrades: z.array(z.object({ revision: z.string(), data: dataSnapshot })),
  settings: z.object({ lockTimeout: z.string(), statementTimeout: z.string() }).optional(),
  startHeads: z.array(z.string()).optional()
});
export type RehearsalResult = z.infer<typeof rehearsalResult>;

const envelope = z.union([
  z.object({ ok: z.literal(true), result: z.unknown(), ms: z.number() }),
  z.object({
    ok: z.literal(false),
    kind: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).default({}),
    ms: z.number()
  })
]);

export interface AlembicClientOptions {
  /** alembic.ini, relative to the working directory the transport runs in, or absolute. */
  config: string;
  /** Time limit of the offline and plan calls (default 5 minutes). */
  timeoutMs?: number;
}

/** One method per driver command; each validates the driver's answer. */
export class AlembicClient {
  constructor(
    private readonly transport: DriverTransport,
    private readonly options: AlembicClientOptions
  ) {}

  probe(): Promise<ProbeResult> {
    return this.call({ command: 'probe' }, probeResult);
  }

  plan(from: string | undefined, to: string): Promise<RevisionPlan> {
    return this.call({ command: 'plan', config: this.options.config, from: from ?? null, to }, planResult);
  }

  async offline(steps: OfflineRequest[]): Promise<OfflineStep[]> {
    if (steps.length === 0) return [];
    return (await this.call({ command: 'offline', config: this.options.config, steps }, offlineResult)).steps;
  }

  ping(databaseUrl: string): Promise<PingResult> {
    return this.call({ command: 'ping' }, pingResult, { databaseUrl, timeoutMs: 60_000 });
  }

  async current(databaseUrl: string): Promise<string[]> {
    return (
      await this.call({ command: 'current', config: this.options.config }, currentResult, { databaseUrl })
    ).heads;
  }

  rehearse(
    databaseUrl: string,
    request: {
      from: string;
      plan: RevisionInfo[];
      seed?: string;
      lockTimeoutMs: number;
      statementTimeoutMs: number;
      timeoutMs: number;
    }
  ): Promise<RehearsalResult> {
    const { timeoutMs, ...rest } = request;
    return this.call({ command: 'rehearse', config: this.options.config, ...rest }, rehearsalResult, {
      databaseUrl,
      timeoutMs
    });
  }

  /**
   * What a downgrade from the database's current head down to `to` needs (without `to`: of the
   * head alone, as `alembic downgrade -1`), in one driver call (one Python start).
   */
  inspectDowngrade(databaseUrl: string, to?: string): Promise<DowngradeInspection> {
    return this.call(
      { command: 'inspect-downgrade', config: this.options.config, to: to ?? null },
      downgradeInspection,
      { databaseUrl }
    );
  }

  /** Runs the downgrade from `from` to `to` online, refused by the driver when the database is not at `from`. */
  downgrade(
    databaseUrl: string,
    request: {
      from: string;
      to: string;
      lockTimeoutMs: number;
      statementTimeoutMs: number;
      timeoutMs: number;
    }
  ): Promise<DowngradeResult> {
    const { timeoutMs, ...rest } = request;
    return this.call({ command: 'downgrade', config: this.options.config, ...rest }, downgradeResult, {
      databaseUrl,
      timeoutMs
    });
  }

  private async call<T>(
    request: Record<string, unknown>,
    schema: z.ZodType<T>,
    options: { databaseUrl?: string; timeoutMs?: number } = {}
  ): Promise<T> {
    const output = await this.transport.call(request, {
      timeoutMs: options.timeoutMs ?? this.options.timeoutMs ?? 300_000,
      ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {})
    });
    if (output.result === undefined) {
      const tail = output.stderr.trim().split('\n').slice(-5).join('\n');
      throw new AlembicDriverError(
        'no-result',
        `the alembic driver (${String(request.command)}) ended with exit code ${output.exitCode ?? 'none'} and no result${tail ? `:\n${tail}` : ''}`,
        { command: request.command, exitCode: output.exitCode }
      );
    }
    const parsed = envelope.safeParse(output.result);
    if (!parsed.success)
      throw new AlembicDriverError('bad-result', 'the alembic driver answered in an unexpected shape');
    if (!parsed.data.ok)
      throw new AlembicDriverError(parsed.data.kind, parsed.data.message, parsed.data.details);
    const result = schema.safeParse(parsed.data.result);
    if (!result.success) {
      throw new AlembicDriverError(
        'bad-result',
        `the alembic driver's ${String(request.command)} result does not fit: ${result.error.issues[0]?.message ?? ''}`
      );
    }
    return result.data;
  }
}
