import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/clock.ts';
import { HttpRequestError } from '../../src/errors.ts';
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/http/client.ts';
import { parseNotifyTarget, renderNotification, type RollbackEvent } from '../../src/rollback/notify.ts';
import { sendNotification } from '../../src/rollback/send-notification.ts';
import { draftIncident } from '../../src/rollback/incident.ts';
import { readRolledBackMarkers, rolledBackMarker } from '../../src/rollback/incident-marker.ts';

const event: RollbackEvent = {
  environment: 'production',
  outcome: 'rolled-back',
  fromVersion: '1.5.0',
  toVersion: '1.4.0',
  toSha: '3f786850e387550fdab836ed7e6dc881de23001b',
  reason: 'canary error rate 6.1% vs 0.2% <stable>',
  triggeredBy: 'octocat',
  startedAt: '2026-11-26T10:00:00.000Z',
  durationSeconds: 41.25,
  healthy: true,
  runUrl: 'https://github.com/octo-org/shop/actions/runs/1',
  problems: ['notify: HTTP 500'],
  mention: '<!subteam^S0123>'
};

describe('parseNotifyTarget', () => {
  it.each([
    ['https://hooks.slack.com/services/T/B/x', { url: 'https://hooks.slack.com/services/T/B/x' }],
    [
      'teams https://prod.logic.azure.com/workflows/1',
      { format: 'teams', url: 'https://prod.logic.azure.com/workflows/1' }
    ],
    ['  json   http://status.internal/hook ', { format: 'json', url: 'http://status.internal/hook' }],
    ['discord https://discord.com/api/webhooks/1', undefined],
    ['slack not-a-url', undefined],
    ['slack ftp://x', undefined],
    ['slack https://a https://b', undefined]
  ])('reads %j', (line, expected) => {
    expect(parseNotifyTarget(line)).toEqual(expected);
  });
});

describe('renderNotification', () => {
  it('renders Slack blocks with the mention unescaped and user text escaped', () => {
    const body = renderNotification('slack', event) as { text: string; blocks: { type: string }[] };
    expect(body.text).toBe('<!subteam^S0123> Rolled back production: 1.5.0 → 1.4.0');
    const json = JSON.stringify(body);
    expect(json).toContain('&lt;stable&gt;');
    expect(json).toContain('<https://github.com/octo-org/shop/actions/runs/1|workflow run>');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
  });

  it('renders an Adaptive Card for a Teams Workflows webhook, with facts and links', () => {
    const body = renderNotification('teams', {
      ...event,
      outcome: 'failed',
      incidentUrl: 'https://github.com/octo-org/shop/issues/9'
    }) as { type: string; attachments: { contentType: string; content: Record<string, unknown> }[] };
    expect(body.type).toBe('message');
    expect(body.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = body.attachments[0]!.content;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    const json = JSON.stringify(card);
    expect(json).toContain('"title":"Health after","value":"healthy"');
    expect(json).toContain('Rollback of production FAILED');
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Incident', url: 'https://github.com/octo-org/shop/issues/9' },
      {
        type: 'Action.OpenUrl',
        title: 'Workflow run',
        url: 'https://github.com/octo-org/shop/actions/runs/1'
      }
    ]);
  });

  it('renders plain JSON with a schema for status pages', () => {
    expect(renderNotification('json', event)).toMatchObject({
      schema: 'rollback-notification/v1',
      environment: 'production',
      toVersion: '1.4.0',
      headline: 'Rolled back production: 1.5.0 → 1.4.0'
    });
  });
});

function scripted(answers: (Partial<HttpResponse> | Error)[]): HttpClient & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    async request(request) {
      requests.push(request);
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
      if (answer instanceof Error) throw answer;
      return { status: 200, headers: {}, body: '', latencyMs: 1, ...answer };
    }
  };
}

describe('sendNotification', () => {
  it('retries 5xx and network errors, then delivers', async () => {
    const http = scripted([
      { status: 502 },
      new HttpRequestError('connection refused', 'refused', 1),
      { status: 200 }
    ]);
    const clock = new ManualClock();
    const result = await sendNotification({ a: 1 }, { url: 'http://127.0.0.1:1/hook', http, clock });
    expect(result).toEqual({ delivered: true, attempts: 3, status: 200 });
    expect(http.requests[0]).toMatchObject({ method: 'POST', body: '{"a":1}' });
    expect(clock.now()).toBeGreaterThan(1000);
  });

  it('honours Retry-After on 429', async () => {
    const http = scripted([{ status: 429, headers: { 'retry-after': '7' } }, { status: 204 }]);
    const clock = new ManualClock();
    await sendNotification({}, { url: 'http://x/hook', http, clock });
    expect(clock.now()).toBeGreaterThanOrEqual(7000);
  });

  it('does not retry a 4xx and never throws', async () => {
    const http = scripted([{ status: 404, body: 'no_team' }]);
    const result = await sendNotification({}, { url: 'http://x/hook', http, clock: new ManualClock() });
    expect(result).toEqual({ delivered: false, attempts: 1, error: 'HTTP 404: no_team' });
  });

  it('gives up after the attempts with the last status', async () => {
    const http = scripted([{ status: 503 }]);
    const result = await sendNotification(
      {},
      { url: 'http://x/hook', http, clock: new ManualClock(), attempts: 3 }
    );
    expect(result).toMatchObject({ delivered: false, attempts: 3, status: 503 });
  });
});

describe('draftIncident', () => {
  it('assigns the commit authors, labels the issue and lists symptoms and steps', () => {
    const draft = draftIncident({
      event,
      symptoms: ['canary error rate 6.1% (baseline 0.2%)', 'redis: Connection\nrefused'],
      timeline: ['traffic: done (weight 0, verified)', 'health: done'],
      commits: [
        { sha: 'aaaaaaaaaaaa', message: 'Add cache\n\nlong body', author: 'alice' },
        { sha: 'bbbbbbbbbbbb', message: 'Fix typo', author: 'bob' },
        { sha: 'cccccccccccc', message: 'Tune', author: 'alice' },
        { sha: 'dddddddddddd', message: 'Bot change' }
      ],
      assignAuthors: true,
      owners: []
    });
    expect(draft.labels).toEqual(['incident', 'rollback']);
    expect(draft.assignees).toEqual(['alice', 'bob']);
    expect(draft.title).toBe(
      'Rollback of production: 1.5.0 → 1.4.0 (canary error rate 6.1% vs 0.2% <stable>)'
    );
    expect(draft.body).toContain('- redis: Connection refused');
    expect(draft.body).toContain('- `aaaaaaa` Add cache (@alice)');
    expect(draft.body).toContain('| rollback took | 41.3 s |');
  });

  const owned = {
    event: { ...event, dashboardUrl: 'https://grafana.example.com/d/api?from=1&to=2' },
    symptoms: [],
    timeline: ['traffic: done'],
    commits: [{ sha: 'aaaaaaaaaaaa', message: 'Add cache', author: 'alice' }],
    owners: ['@octo-org/payments', '@carol'],
    reviewDue: '2026-11-28',
    marker: { sha: 'b'.repeat(40), environment: 'production' }
  };

  it('mentions the owners, links the dashboards, adds the review checklist and the marker', () => {
    const draft = draftIncident({ ...owned, assignAuthors: true });
    expect(draft.assignees).toEqual(['alice']);
    expect(draft.body).toContain('**Owners of the changed files:** @octo-org/payments @carol');
    expect(draft.body).toContain('| dashboards | https://grafana.example.com/d/api?from=1&to=2 |');
    expect(draft.body).toContain('### Post-incident review (due 2026-11-28)');
    expect(draft.body).toContain('- [ ] Review held by 2026-11-28; close this issue after it.');
    expect(readRolledBackMarkers(draft.body)).toEqual([{ sha: 'b'.repeat(40), environment: 'production' }]);
  });

  it('assigns nobody with incident-assign none, and says why owners are unknown', () => {
    const draft = draftIncident({
      ...owned,
      owners: [],
      ownersNote: 'no CODEOWNERS file',
      assignAuthors: false
    });
    expect(draft.assignees).toEqual([]);
    expect(draft.body).toContain('**Owners of the changed files:** unknown (no CODEOWNERS file)');
  });
});

describe('the rolled-back marker', () => {
  it('reads back what it wrote, environment names with spaces included, and ignores look-alikes', () => {
    const body = [
      'text',
      rolledBackMarker({ sha: 'A'.repeat(40), environment: 'prod eu' }),
      '<!-- deploy-actions:rolled-back sha=123 environment=x -->'
    ].join('\n');
    expect(readRolledBackMarkers(body)).toEqual([{ sha: 'a'.repeat(40), environment: 'prod eu' }]);
  });
});
