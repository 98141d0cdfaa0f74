/**
 * Rollback notifications: one event, rendered as Slack blocks, a Teams message card, or plain JSON
 * for status pages and custom receivers. Pure renderers; the sender is in send-notification.ts.
 */

export type NotifyFormat = 'slack' | 'teams' | 'json';

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
    event.incidentUrl ? `<${event.incidentUrl}|incident>` : ''
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

function renderTeams(event: RollbackEvent) {
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: headline(event),
    themeColor: event.outcome === 'rolled-back' ? 'E8A317' : 'D13438',
    title: `${event.mention ? `${event.mention} ` : ''}${headline(event)}`,
    sections: [
      { activityTitle: event.reason, facts: facts(event).map(([name, value]) => ({ name, value })) },
      ...(event.problems.length
        ? [{ title: 'Problems', text: event.problems.map((p) => `- ${p}`).join('\n') }]
        : [])
    ],
    potentialAction: [
      ...(event.runUrl
        ? [{ '@type': 'OpenUri', name: 'Workflow run', targets: [{ os: 'default', uri: event.runUrl }] }]
        : []),
      ...(event.incidentUrl
        ? [{ '@type': 'OpenUri', name: 'Incident', targets: [{ os: 'default', uri: event.incidentUrl }] }]
        : [])
    ]
  };
}
