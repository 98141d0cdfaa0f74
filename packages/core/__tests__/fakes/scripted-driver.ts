/** The alembic driver's transport, scripted: the real driver runs in action-tests. */
import type { DriverOutput, DriverTransport, OfflineChunk, RevisionInfo } from '../../src/migrate/alembic.ts';

/** A revision as the driver's plan describes it: file `<id>.py`, upgrade at line 12, downgrade at 20. */
export const revision = (id: string, parent?: string): RevisionInfo => ({
  revision: id,
  parents: parent ? [parent] : [],
  path: `/repo/db/versions/${id}.py`,
  doc: `${id} doc`,
  upgradeLine: 12,
  downgradeLine: 20
});

/** One statement of offline SQL, recorded at a revision-file line by an op call. */
export const chunk = (text: string, line: number | null, op: string | null = null): OfflineChunk => ({
  text: `${text}\n\n`,
  line,
  op,
  constraintType: null
});

/** A driver that answers each command from a script; `fail` makes one command fail like the real one. */
export class ScriptedDriver implements DriverTransport {
  readonly requests: Record<string, unknown>[] = [];
  constructor(
    private readonly answers: Record<string, unknown | ((request: Record<string, unknown>) => unknown)>,
    private readonly fail: Record<
      string,
      { kind: string; message: string; details?: Record<string, unknown> } | Error
    > = {}
  ) {}

  async call(request: Record<string, unknown>): Promise<DriverOutput> {
    this.requests.push(request);
    const command = String(request.command);
    const failure = this.fail[command];
    if (failure instanceof Error) throw failure;
    if (failure) return { result: { ok: false, details: {}, ms: 1, ...failure }, exitCode: 0, stderr: '' };
    const answer = this.answers[command];
    const result = typeof answer === 'function' ? answer(request) : answer;
    return { result: { ok: true, result, ms: 1 }, exitCode: 0, stderr: '' };
  }
}
