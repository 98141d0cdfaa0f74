/**
 * The canary-step post step (`post-if: always()`): when main did not finish while traffic was
 * split (the job was cancelled, timed out or crashed), stop the router commands main left running,
 * then put all traffic back on stable through the router main saved. The decision is core's
 * planPostStep.
 */
import { runAction, type ActionContext } from '@deploy-actions/core/action';
import { renderCanaryPostSummary, runCanaryPost } from '@deploy-actions/core/canary';
import { createExec, stopProcessGroups, type Exec } from '@deploy-actions/core/exec';
import { createTrafficRouter } from '@deploy-actions/core/traffic';

export async function runPostWith(context: ActionContext, deps: { exec?: Exec } = {}): Promise<void> {
  const exec = deps.exec ?? createExec();
  const result = await runCanaryPost((name) => context.getState(name), {
    createRouter: (spec) => createTrafficRouter(spec, { exec, logger: context.logger }),
    stopCommands: (groups) => stopProcessGroups(groups),
    logger: context.logger
  });
  if (result.action === 'nothing') return;
  await context.writeSummary(renderCanaryPostSummary(result));
  if (result.ok) {
    context.annotate('warning', `canary-step post: ${result.reason}; ${result.outcome}.`, {
      title: 'canary-step: traffic reset'
    });
  } else {
    context.fail(
      `canary-step post: ${result.reason}; ${result.outcome}. Put traffic back on stable by hand.`,
      {
        title: 'canary-step: reset failed'
      }
    );
  }
}

/**
 * The post entry, with no arguments as `@github/local-action` calls it (`--post src/post-main.ts`).
 * Tests call runPostWith with their own context and exec.
 */
export async function run(): Promise<void> {
  await runAction('canary-step post', (context) => runPostWith(context));
}
