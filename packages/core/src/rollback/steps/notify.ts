/**
 * Step 9, people told, after the incident exists so that every message links it: each webhook
 * (chat, a status page) gets its own format, all at once, each retried with backoff. A failure is a
 * warning, never a failed rollback.
 */
import { redactStrings } from '../../redact.ts';
import { renderNotification } from '../notify.ts';
import { sendNotification, type NotificationResult } from '../send-notification.ts';
import { rollbackEvent, type RollbackStep } from './rollback-run.ts';

/** One webhook's delivery; `target` names it without its URL (a secret), e.g. `teams #2`. */
export type TargetNotification = NotificationResult & { target: string };

export const notifyStep: RollbackStep = {
  name: 'notify',
  warningOnly: true,
  skipReason: ({ config }) => (config.notify ? undefined : 'no notify-webhook given'),
  async run(run) {
    const { deps, outbound } = run;
    const { targets } = run.config.notify!;
    const event = rollbackEvent(run);
    const results = (run.facts.notifications = await Promise.all(
      targets.map(async ({ format, url }, index): Promise<TargetNotification> => {
        const result = await sendNotification(redactStrings(renderNotification(format, event), outbound), {
          url,
          http: deps.http,
          clock: deps.clock,
          ...(deps.notifyAttempts ? { attempts: deps.notifyAttempts } : {})
        });
        // The webhook URL is a secret: an error message naming it must not reach logs or the report.
        if (result.error) result.error = result.error.split(url).join('***');
        return { target: `${format} #${index + 1}`, ...result };
      })
    ));
    const failed = results.filter((r) => !r.delivered);
    const delivered = results.length - failed.length;
    const summary = results.length > 1 ? `${delivered} of ${results.length} delivered` : '';
    if (failed.length > 0)
      throw new Error(
        [
          summary,
          ...failed.map(
            (r) => `${r.target} not delivered after ${r.attempts} attempt(s): ${r.error ?? 'unknown error'}`
          )
        ]
          .filter(Boolean)
          .join('; ')
      );
    return {
      detail: results.map((r) => `${r.target} delivered (HTTP ${r.status})`).join('; ')
    };
  },
  whenFailed: 'A notification was not delivered: tell the team in the incident channel.'
};
