// The extra-checks recipes of docs/extra-checks.md against a real Prometheus: every query is one
// Prometheus accepts, and the business recipes, run on the example app's canary after it saved
// items, hold as the recipe says.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  fillTemplate,
  holdsComparison,
  parseExtraCheckLine,
  type ExtraCheck
} from '@deploy-actions/core/metrics';
import { repoRoot } from './run-action.ts';
import {
  httpRequest,
  migrateDatabase,
  sleep,
  startExampleApp,
  startPostgres,
  startRedis
} from './services/index.ts';
import { startPrometheus } from './services/prometheus.ts';

const started: Array<{ stop(): Promise<void> }> = [];

afterAll(async () => {
  await Promise.allSettled(started.reverse().map((service) => service.stop()));
});

/** Every `extra-checks: |` line of the recipes file. */
function recipes(): ExtraCheck[] {
  const markdown = readFileSync(path.join(repoRoot, 'docs', 'extra-checks.md'), 'utf8');
  const lines = [...markdown.matchAll(/^extra-checks: \|\n((?: {2}.*\n)+)/gm)].flatMap((block) =>
    block[1]!.split('\n').filter(Boolean)
  );
  return lines.map((line) => parseExtraCheckLine(line)!);
}

test('Prometheus accepts every recipe, and the business recipes hold on a canary that saves items', async () => {
  const postgres = await startPostgres();
  started.push(postgres);
  const redis = await startRedis();
  started.push(redis);
  await migrateDatabase(postgres.url);
  const app = await startExampleApp({
    version: '2.3.0',
    gitSha: '9f8e7d6c5b4a',
    track: 'canary',
    databaseUrl: postgres.url,
    redisUrl: redis.url
  });
  started.push(app);
  const prometheus = await startPrometheus({ targets: [new URL(app.url).host] });
  started.push(prometheus);
  // Users created items before the window: both counters of the ratio exist when it starts (a
  // series born inside a window loses its first increments, see the recipes' note).
  const post = async (name: string) =>
    expect((await httpRequest(`${app.url}/api/items`, { method: 'POST', body: { name } })).status).toBe(201);
  await post('item-0');
  await prometheus.waitForSeries('http_requests_total{track="canary",method="POST"}');
  await prometheus.waitForSeries('items_created_total{track="canary"} == 1');
  for (let i = 1; i < 12; i++) await post(`item-${i}`);
  await prometheus.waitForSeries('items_created_total{track="canary"} == 12');
  // Two more scrapes, so the window's last samples include every item.
  await sleep(2500);

  const checks = recipes();
  expect(checks).toHaveLength(8);
  const values: Record<string, number | undefined> = {};
  for (const check of checks) {
    // A query Prometheus rejects throws here, with its answer.
    const result = await prometheus.query(fillTemplate(check.query, { track: 'canary', intervalMs: 60_000 }));
    values[check.name] = result.length > 0 ? Number(result[0]!.value[1]) : undefined;
  }
  // No cAdvisor here: its recipes are accepted and return nothing (an error for canary-step, never a pass).
  expect(values['memory-growth']).toBeUndefined();
  expect(values['cpu-throttled']).toBeUndefined();
  expect(values['items-created']).toBeGreaterThan(0);
  expect(values['item-save-rate']).toBeGreaterThanOrEqual(0.95);
  for (const name of ['items-created', 'item-save-rate']) {
    const check = checks.find((c) => c.name === name)!;
    expect(holdsComparison(values[name]!, check.operator, check.threshold)).toBe(true);
  }
}, 120_000);
