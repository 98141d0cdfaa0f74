// The example app (examples/) against real PostgreSQL and Redis: its pytest suite, the app over
// HTTP under uvicorn, its migrations both ways, and the frontend build.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  EXAMPLE_FRONTEND_DIR,
  PYTHON,
  httpRequest,
  migrateDatabase,
  runAlembic,
  runChecked,
  runCommand,
  startExampleApp,
  startPostgres,
  startRedis,
  waitForPort,
  type ExampleApp,
  type ExampleAppOptions,
  type PostgresService,
  type RedisService
} from './services/index.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

interface Check {
  name: string;
  status: string;
  latency_ms: number;
  error?: string;
}

let postgres: PostgresService;
let redis: RedisService;
const started: Array<{ stop(): Promise<void> }> = [];

/** Starts the app against the shared services; afterAll stops it if the test did not. */
async function startApp(options: Partial<ExampleAppOptions> = {}): Promise<ExampleApp> {
  const app = await startExampleApp({
    version: '2.3.0',
    gitSha: '9f8e7d6c5b4a',
    track: 'canary',
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    ...options
  });
  started.push(app);
  return app;
}

/** Environment for child tools: without Jest's NODE_OPTIONS and the app's own variables. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  await migrateDatabase(postgres.url);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(started.map((service) => service.stop()));
  await Promise.allSettled([redis?.stop(), postgres?.stop()]);
});

test('the pytest suite passes with nothing skipped', async () => {
  const databaseUrl = await postgres.createDatabase('pytest');
  const result = await runCommand(
    PYTHON,
    ['-m', 'pytest', 'examples/backend/tests', '-q', '-rs', '-p', 'no:cacheprovider', '--color=no'],
    { cwd: repoRoot, env: childEnv({ DATABASE_URL: databaseUrl, REDIS_URL: redis.url }), timeoutMs: 150_000 }
  );
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.code !== 0) throw new Error(`pytest exited with ${result.code ?? result.signal}:\n${output}`);
  expect(output).toMatch(/\b\d+ passed\b/);
  expect(output).not.toMatch(/skipped|SKIPPED/);
});

test('/health and /ready answer over HTTP', async () => {
  const app = await startApp();

  const health = await httpRequest(`${app.url}/health`);
  expect(health.status).toBe(200);
  expect(health.headers['cache-control']).toBe('no-store');
  expect(health.json()).toEqual({
    status: 'healthy',
    version: '2.3.0',
    git_sha: '9f8e7d6c5b4a',
    uptime_seconds: expect.any(Number),
    track: 'canary'
  });

  const ready = await httpRequest(`${app.url}/ready`);
  expect(ready.status).toBe(200);
  expect(ready.json()).toEqual({
    status: 'ready',
    checks: [
      { name: 'postgresql', status: 'ok', latency_ms: expect.any(Number) },
      { name: 'redis', status: 'ok', latency_ms: expect.any(Number) }
    ]
  });

  const created = await httpRequest(`${app.url}/api/items`, { method: 'POST', body: { name: 'kettle' } });
  expect(created.status).toBe(201);
  expect(
    (await httpRequest(`${app.url}/api/items`, { method: 'POST', body: { name: 'kettle' } })).status
  ).toBe(409);

  for (const metricsPath of ['/metrics', '/metrics/']) {
    const metrics = await httpRequest(`${app.url}${metricsPath}`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain(
      'http_requests_total{method="GET",route="/health",status="200",track="canary",version="2.3.0"} 1.0'
    );
    expect(metrics.body).toContain('route="/api/items",status="409"');
    // The business metric counts the one item saved, not the duplicate refused.
    expect(metrics.body).toContain('items_created_total{track="canary",version="2.3.0"} 1.0');
  }
  await app.stop();
});

test('/ready answers 503 naming redis once Redis stops, while /health stays 200', async () => {
  const ownRedis = await startRedis();
  started.push(ownRedis);
  const app = await startApp({ redisUrl: ownRedis.url });
  expect((await httpRequest(`${app.url}/ready`)).status).toBe(200);

  await ownRedis.stop();

  const ready = await httpRequest(`${app.url}/ready`);
  expect(ready.status).toBe(503);
  const body = ready.json<{ status: string; checks: Check[] }>();
  expect(body.status).toBe('not_ready');
  expect(body.checks).toEqual([
    { name: 'postgresql', status: 'ok', latency_ms: expect.any(Number) },
    { name: 'redis', status: 'error', latency_ms: expect.any(Number), error: 'Connection refused' }
  ]);
  expect((await httpRequest(`${app.url}/health`)).status).toBe(200);
  await app.stop();
});

test('the fault switch turns every answer but /metrics into a counted 500', async () => {
  const app = await startApp({ faultErrorPercent: 100, faultLatencyMs: 50, track: 'canary' });
  const startedAt = Date.now();
  expect((await httpRequest(`${app.url}/health`)).status).toBe(500);
  expect(Date.now() - startedAt).toBeGreaterThanOrEqual(50);
  const metrics = await httpRequest(`${app.url}/metrics`);
  expect(metrics.status).toBe(200);
  expect(metrics.body).toContain(
    'http_requests_total{method="GET",route="/health",status="500",track="canary",version="2.3.0"} 1.0'
  );
  await app.stop();
});

test('a slow start keeps the port closed until STARTUP_DELAY_SECONDS has passed', async () => {
  const spawnedAt = Date.now();
  const app = await startApp({ startupDelaySeconds: 2, waitUntilListening: false });
  await expect(waitForPort(app.port, 500)).rejects.toThrow(/timed out/);
  await app.waitUntilListening(30_000);
  expect(Date.now() - spawnedAt).toBeGreaterThanOrEqual(2_000);
  expect((await httpRequest(`${app.url}/health`)).status).toBe(200);
  await app.stop();
});

test('an invalid configuration stops the start with a clear message', async () => {
  await expect(startApp({ faultErrorPercent: 150 })).rejects.toThrow(
    /exited with 2[\s\S]*FAULT_ERROR_PERCENT must be a number from 0 to 100 \(got '150'\)/
  );
});

test('migrations go down to base and up to head again', async () => {
  const databaseUrl = await postgres.createDatabase('migrations');
  const tables = (): Promise<string> =>
    postgres.query(
      "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'",
      'migrations'
    );

  await migrateDatabase(databaseUrl);
  expect(await tables()).toBe('alembic_version,items,reviews');
  expect(await postgres.query('SELECT version_num FROM alembic_version', 'migrations')).toBe(
    '0003_add_item_category'
  );

  await runAlembic(databaseUrl, ['downgrade', 'base']);
  expect(await tables()).toBe('alembic_version');
  expect(await postgres.query('SELECT count(*) FROM alembic_version', 'migrations')).toBe('0');

  await migrateDatabase(databaseUrl);
  expect(await postgres.query('SELECT version_num FROM alembic_version', 'migrations')).toBe(
    '0003_add_item_category'
  );
  expect(
    await postgres.query(
      "SELECT indexname FROM pg_indexes WHERE indexname = 'ix_items_category'",
      'migrations'
    )
  ).toBe('ix_items_category');
});

test('alembic prints the migration SQL offline, without a database', async () => {
  const up = await runAlembic(undefined, ['upgrade', 'base:head', '--sql']);
  expect(up.stdout).toContain('CREATE TABLE items');
  expect(up.stdout).toContain('CREATE TABLE reviews');
  expect(up.stdout).toContain('CREATE INDEX ix_items_category ON items (category);');
  const down = await runAlembic(undefined, ['downgrade', '0003_add_item_category:base', '--sql']);
  expect(down.stdout).toContain('DROP TABLE items;');
});

test('the frontend builds into dist/index.html', async () => {
  // Jest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const env = childEnv({ NODE_ENV: 'production' });
  if (!existsSync(path.join(EXAMPLE_FRONTEND_DIR, 'node_modules'))) {
    await runChecked('npm', ['ci', '--no-audit', '--no-fund'], {
      cwd: EXAMPLE_FRONTEND_DIR,
      env,
      timeoutMs: 150_000
    });
  }
  await runChecked('npm', ['run', 'build'], { cwd: EXAMPLE_FRONTEND_DIR, env, timeoutMs: 120_000 });
  expect(existsSync(path.join(EXAMPLE_FRONTEND_DIR, 'dist', 'index.html'))).toBe(true);
});
