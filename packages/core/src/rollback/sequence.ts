/**
 * The rollback sequence: each step recorded with its outcome and timing. A failing step never
 * skips the safety steps after it: traffic goes back to stable first, and people are told even
 * when the target lookup or the redeploy failed.
 */
import type { Clock } from '../clock.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { RollbackTarget } from './target.ts';

export type StepName =
  | 'traffic'
  | 'target'
  | 'redeploy'
  | 'migrate-downgrade'
  | 'health'
  | 'recovery'
  | 'deployment-status'
  | 'notify'
  | 'incident';

export type StepStatus = 'done' | 'failed' | 'skipped';

export interface StepRecord {
  name: StepName;
  status: StepStatus;
  detail: string;
  /** Offset from the start of the rollback. */
  startedMs: number;
  durationMs: number;
  /** A failed step that does not fail the rollback (notification, incident, deployment statuses). */
  warningOnly: boolean;
}

/** What a step function returns: its detail; throwing marks the step failed. */
export type StepResult = { status?: 'done' | 'skipped'; detail: string };

/** Steps whose failure is reported as a warning: the environment is restored without them. */
const WARNING_ONLY: ReadonlySet<StepName> = new Set(['deployment-status', 'notify', 'incident']);

/** Runs named steps in order, recording each; a thrown error fails that step only. */
export class StepRecorder {
  readonly steps: StepRecord[] = [];
  private readonly started: number;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger
  ) {
    this.started = clock.now();
  }

  async run(name: StepName, step: () => Promise<StepResult>): Promise<StepRecord> {
    const startedAt = this.clock.now();
    let record: StepRecord;
    try {
      const result = await step();
      record = this.record(name, result.status ?? 'done', result.detail, startedAt);
    } catch (error) {
      record = this.record(name, 'failed', errorMessage(error), startedAt);
    }
    const say =
      record.status === 'failed' && !record.warningOnly
        ? this.logger.error
        : record.status === 'failed'
          ? this.logger.warning
          : this.logger.info;
    say.call(this.logger, `${name}: ${record.status} — ${record.detail}`);
    return record;
  }

  skip(name: StepName, detail: string): StepRecord {
    const record = this.record(name, 'skipped', detail, this.clock.now());
    this.logger.info(`${name}: skipped — ${detail}`);
    return record;
  }

  elapsedMs(): number {
    return this.clock.now() - this.started;
  }

  /** The steps whose failure fails the rollback. */
  blockingFailures(): StepRecord[] {
    return this.steps.filter((s) => s.status === 'failed' && !s.warningOnly);
  }

  private record(name: StepName, status: StepStatus, detail: string, startedAt: number): StepRecord {
    const record: StepRecord = {
      name,
      status,
      detail,
      startedMs: Math.round(startedAt - this.started),
      durationMs: Math.round(this.clock.now() - startedAt),
      warningOnly: WARNING_ONLY.has(name)
    };
    this.steps.push(record);
    return record;
  }
}

export type { RollbackTarget };
