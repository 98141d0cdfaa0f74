/**
 * Rollback notifications: one event, rendered as Slack blocks, a Teams Adaptive Card (Workflows
 * webhooks), or plain JSON for status pages and custom receivers, to one or several webhooks. Pure
 * renderers and the parsing of the targets; the sender is in send-notification.ts.
 */

export const NOTIFY_FORMATS = ['slack', 'teams', 'json'] as const;
export type NotifyFormat = (typeof NOTIFY_FORMATS)[number];

/** One webhook to tell: its format and its URL (a secret). */
export interface NotifyTarget {
  format: NotifyFormat;
  url: string;
}

/** What a `notify-webhook` line looks like, for error messages. */
export const NOTIFY_TARGET_HINT =
  'one webhook URL a line, each optionally after its format: `slack https://hooks.slack.com/…`, `teams https://…`, `json https://status.example.com/hook`';

/**
 * Parses one `notify-webhook` line: `[slack|teams|json] URL`. The format is undefined when the
 * line gives none (notify-format applies); undefined when the line does not fit.
 */
export function parseNotifyTarget(line: string): { format?: NotifyFormat; url: string } | undefined {
  const match = /^(?:(\S+)\s+)?(\S+)$/.exec(line.trim());
  if (!match) return undefined;
  const [, format, url] = match;
  if (format !== undefined && !(NOTIFY_FORMATS as readonly string[]).includes(format)) return undefined;
  try {
    const { protocol } = new URL(url!);
    if (protocol !== 'https:' && protocol !== 'http:') return undefined;
  } catch {
    return undefined;
  }
  return { ...(format ? { format: format as NotifyFormat } : {}), url: url! };
}

export interface RollbackEvent {
  environment: string;
  outcome: 'rolled-back' | 'failed';
  fromVersion?: string;
  toVersion?: string;
  toSha?: string;
  reason: string;
  triggeredBy: string;
  startedAt: string;
  durationSeconds: number;
  healthy?: boolean;
  runUrl?: string;
  incidentUrl?: string;
  /** Logs, metrics and traces for the incident's time range (dashboard-url). */
  dashboardUrl?: string;
  /** Steps that failed, e.g. `migrate-downgrade: refused (destructive)`. */
  problems: string[];
  mention?: string;
}

function headline(event: RollbackEvent): string {
  const versions = `${event.fromVersion ?? 'current'} → ${event.toVersion ?? 'unknown'}`;
  return event.outcome === 'rolled-back'
    ? `Rolled back ${event.environment}: ${versions}`
    : `Rollback of ${event.environment} FAILED (${versions})`;
}

function facts(event: RollbackEvent): [string, string][] {
  return [
    ['Environment', event.environment],
    ['From', event.fromVersion ?? 'unknown'],
    ['To', `${event.toVersion ?? 'unknown'}${event.toSha ? ` (${event.toSha.slice(0, 7)})` : ''}`],
    ['Why', event.reason],
    ['Triggered by', event.triggeredBy],
    ['When', event.startedAt],
    ['Took', `${event.durationSeconds.toFixed(1)} s`],
    ['Health after', event.healthy === undefined ? 'not checked' : event.healthy ? 'healthy' : 'UNHEALTHY']
  ];
}

/** The request body for the chosen format. */
export function renderNotification(format: NotifyFormat, event: RollbackEvent): unknown {
  switch (format) {
    case 'slack':
      return renderSlack(event);
    case 'teams':
      return renderTeams(event);
    case 'json':
      return { schema: 'rollback-notification/v1', ...event, headline: headline(event) };
    default: {
      const unreachable: never = format;
      throw new Error(`unknown notify format ${String(unreachable)}`);
    }
  }
}

function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function renderSlack(event: RollbackEvent) {
  const links = [
    event.runUrl ? `<${event.runUrl}|workflow run>` : '',
    event.incidentUrl ? `<${event.incidentUrl}|incident>` : '',
    event.dashboardUrl ? `<${event.dashboardUrl}|dashboards>` : ''
  ].filter(Boolean);
  const icon = event.outcome === 'rolled-back' ? ':rewind:' : ':rotating_light:';
  // A mention is Slack markup the user gave on purpose (e.g. <!subteam^S0123>): not escaped.
  const mention = event.mention ? `${event.mention} ` : '';
  return {
    text: `${mention}${headline(event)}`,
    blocks: [
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: `${event.outcome === 'rolled-back' ? '⏪' : '🚨'} ${headline(event)}`.slice(0, 150)
        }
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `${mention}${icon} *${slackEscape(event.reason)}*` },
        fields: facts(event)
          .map(([name, value]) => ({ type: 'mrkdwn', text: `*${name}*\n${slackEscape(value)}` }))
          .slice(0, 10)
      },
      ...(event.problems.length
        ? [
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text: `*Problems*\n${event.problems.map((p) => `• ${slackEscape(p)}`).join('\n')}`
              }
            }
          ]
        : []),
      ...(links.length ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: links.join(' · ') }] }] : [])
    ]
  };
}

/**
 * A Teams message for a Workflows webhook ("Post to a channel when a webhook request is received"):
 * an Adaptive Card in a message attachment. Office 365 connectors, which took MessageCards, are
 * retired.
 */
function renderTeams(event: RollbackEvent) {
  const links = [
    ...(event.incidentUrl ? [{ title: 'Incident', url: event.incidentUrl }] : []),
    ...(event.runUrl ? [{ title: 'Workflow run', url: event.runUrl }] : []),
    ...(event.dashboardUrl ? [{ title: 'Dashboards', url: event.dashboardUrl }] : [])
  ];
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              size: 'Medium',
              weight: 'Bolder',
              wrap: true,
              color: event.outcome === 'rolled-back' ? 'Warning' : 'Attention',
              text: `${event.mention ? `${event.mention} ` : ''}${headline(event)}`
            },
            { type: 'TextBlock', wrap: true, text: event.reason },
            { type: 'FactSet', facts: facts(event).map(([title, value]) => ({ title, value })) },
            ...(event.problems.length
              ? [
                  {
                    type: 'TextBlock',
                    wrap: true,
                    text: `Problems:\n${event.problems.map((p) => `- ${p}`).join('\n')}`
                  }
                ]
              : [])
          ],
          actions: links.map((link) => ({ type: 'Action.OpenUrl', ...link }))
        }
      }
    ]
  };
}
