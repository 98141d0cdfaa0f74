/** Step 8, people told: retried with backoff; a failure is a warning, never a failed rollback. */
import { redactStrings } from '../../redact.ts';
import { renderNotification } from '../notify.ts';
import { sendNotification } from '../send-notification.ts';
import { rollbackEvent, type RollbackStep } from './rollback-run.ts';

export const notifyStep: RollbackStep = {
  name: 'notify',
  warningOnly: true,
  skipReason: ({ config }) => (config.notify ? undefined : 'no notify-webhook given'),
  async run(run) {
    const { deps, facts, outbound } = run;
    const notify = run.config.notify!;
    const notification = (facts.notification = await sendNotification(
      redactStrings(renderNotification(notify.format, rollbackEvent(run)), outbound),
      {
        url: notify.url,
        http: deps.http,
        clock: deps.clock,
        ...(deps.notifyAttempts ? { attempts: deps.notifyAttempts } : {})
      }
    ));
    // The webhook URL is a secret: an error message naming it must not reach logs or the report.
    if (notification.error) notification.error = notification.error.split(notify.url).join('***');
    if (!notification.delivered)
      throw new Error(
        `not delivered after ${notification.attempts} attempt(s): ${notification.error ?? 'unknown error'}`
      );
    return { detail: `${notify.format} notification delivered (HTTP ${notification.status})` };
  },
  whenFailed: 'The notification was not delivered: tell the team in the incident channel.'
};
