/**
 * The rollback sequence: named steps run in order, each recorded with its outcome and timing. A
 * failing step never skips the safety steps after it: traffic goes back to stable first, and people
 * are told even when the target lookup or the redeploy failed.
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

/**
 * One step of a sequence over a shared run `R`: its name, whether it applies to this run, how it
 * runs, and what a person does when it failed.
 */
export interface Step<R> {
  readonly name: StepName;
  /** Its failure is a warning: the environment is restored without it. */
  readonly warningOnly: boolean;
  /**
   * Work started before the first step runs and never awaited by the steps before this one (a
   * measurement that must see the state before traffic moves).
   */
  before?(run: R): void;
  /** Why the step does not apply to this run; undefined when it runs. */
  skipReason(run: R): string | undefined;
  /** Resolves to the step's detail; a thrown error fails this step only. */
  run(run: R): Promise<StepResult>;
  /** The advice in the report's next steps when this step failed. */
  readonly whenFailed: string;
}

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

  /** Runs every step in order, or records why it was skipped; never throws for a failed step. */
  async runAll<R>(steps: readonly Step<R>[], run: R): Promise<void> {
    for (const step of steps) step.before?.(run);
    for (const step of steps) {
      const skipReason = step.skipReason(run);
      if (skipReason === undefined) await this.run(step, () => step.run(run));
      else this.skip(step, skipReason);
    }
  }

  private async run(
    step: Pick<Step<unknown>, 'name' | 'warningOnly'>,
    perform: () => Promise<StepResult>
  ): Promise<StepRecord> {
    const startedAt = this.clock.now();
    let record: StepRecord;
    try {
      const result = await perform();
      record = this.record(step, result.status ?? 'done', result.detail, startedAt);
    } catch (error) {
      record = this.record(step, 'failed', errorMessage(error), startedAt);
    }
    const say =
      record.status === 'failed' && !record.warningOnly
        ? this.logger.error
        : record.status === 'failed'
          ? this.logger.warning
          : this.logger.info;
    say.call(this.logger, `${step.name}: ${record.status} — ${record.detail}`);
    return record;
  }

  private skip(step: Pick<Step<unknown>, 'name' | 'warningOnly'>, detail: string): StepRecord {
    const record = this.record(step, 'skipped', detail, this.clock.now());
    this.logger.info(`${step.name}: skipped — ${detail}`);
    return record;
  }

  elapsedMs(): number {
    return this.clock.now() - this.started;
  }

  /** Whether the named step ran and failed. */
  failed(name: StepName): boolean {
    return this.steps.some((s) => s.name === name && s.status === 'failed');
  }

  /** The steps whose failure fails the rollback. */
  blockingFailures(): StepRecord[] {
    return this.steps.filter((s) => s.status === 'failed' && !s.warningOnly);
  }

  private record(
    step: Pick<Step<unknown>, 'name' | 'warningOnly'>,
    status: StepStatus,
    detail: string,
    startedAt: number
  ): StepRecord {
    const record: StepRecord = {
      name: step.name,
      status,
      detail,
      startedMs: Math.round(startedAt - this.started),
      durationMs: Math.round(this.clock.now() - startedAt),
      warningOnly: step.warningOnly
    };
    this.steps.push(record);
    return record;
  }
}

/** What a person does next: the advice of every failed step, in the order the steps ran. */
export function adviseNextSteps<R>(
  steps: readonly Step<R>[],
  records: readonly StepRecord[],
  succeeded: boolean
): string[] {
  const failed = new Set(records.filter((r) => r.status === 'failed').map((r) => r.name));
  const next = steps.filter((step) => failed.has(step.name)).map((step) => step.whenFailed);
  if (succeeded)
    next.push(
      'Find the cause in the rolled-back change, fix forward, then deploy again through the pipeline.'
    );
  return next;
}

export type { RollbackTarget };
