// The example frontend end to end, as its image serves it: the Vite build behind nginx with the
// image's own site configuration, in front of the real backend on real PostgreSQL and Redis, driven
// by the smoke test the pipeline runs (examples/frontend/e2e/smoke.mjs) in Debian's Chromium.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  EXAMPLE_BACKEND_DIR,
  EXAMPLE_FRONTEND_DIR,
  PYTHON,
  startProcess,
  waitForPort,
  freePort,
  httpRequest,
  makeTempDir,
  migrateDatabase,
  removeDir,
  runCommand,
  startExampleApp,
  startPostgres,
  startRedis,
  type ExampleApp,
  type PostgresService,
  type RedisService
} from './services/index.ts';
import {
  buildFrontend,
  childEnv,
  startFrontendServer,
  type FrontendServer
} from './workflows/frontend-server.ts';
import { assignments, instructionsOf, parseDockerfile } from './workflows/dockerfile.ts';

const CHROMIUM = '/usr/bin/chromium';
const SMOKE = path.join(EXAMPLE_FRONTEND_DIR, 'e2e', 'smoke.mjs');

interface SmokeReport {
  schema: string;
  passed: boolean;
  pages: Array<{
    path: string;
    status: number;
    backend: string;
    items: string[];
    errors: Array<{ kind: string; text: string }>;
  }>;
}

let postgres: PostgresService;
let redis: RedisService;
let app: ExampleApp;
let distDir: string;
let frontend: FrontendServer;
const cleanup: Array<() => Promise<void> | void> = [];

/** Runs the smoke script as the pipeline does (`node e2e/smoke.mjs`) and reads its report. */
async function smoke(env: Record<string, string>) {
  const dir = makeTempDir('smoke');
  try {
    const reportFile = path.join(dir, 'report.json');
    const summaryFile = path.join(dir, 'summary.md');
    const result = await runCommand(process.execPath, [SMOKE], {
      cwd: EXAMPLE_FRONTEND_DIR,
      env: childEnv({
        CHROMIUM_PATH: CHROMIUM,
        SMOKE_REPORT: reportFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        ...env
      }),
      timeoutMs: 60_000
    });
    const report = existsSync(reportFile)
      ? (JSON.parse(readFileSync(reportFile, 'utf8')) as SmokeReport)
      : undefined;
    const summary = existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '';
    return { ...result, report, summary };
  } finally {
    removeDir(dir);
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run npm run setup (Debian package chromium)`);
  [postgres, redis, distDir] = await Promise.all([startPostgres(), startRedis(), buildFrontend()]);
  cleanup.push(() => removeDir(distDir));
  await migrateDatabase(postgres.url);
  app = await startExampleApp({
    version: '2.3.0',
    gitSha: '9f8e7d6c5b4a3f2e',
    track: 'stable',
    databaseUrl: postgres.url,
    redisUrl: redis.url
  });
  for (const item of [{ name: 'kettle', category: 'kitchen' }, { name: 'teapot' }]) {
    expect((await httpRequest(`${app.url}/api/items`, { method: 'POST', body: item })).status).toBe(201);
  }
  frontend = await startFrontendServer({ distDir, backendUrl: app.url });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([frontend?.stop(), app?.stop()]);
  await Promise.allSettled([redis?.stop(), postgres?.stop()]);
  for (const step of cleanup) await step();
});

test('nginx serves the app, falls back to index.html for app routes, and proxies the backend', async () => {
  const index = await httpRequest(`${frontend.url}/`);
  expect(index.status).toBe(200);
  expect(index.headers['content-type']).toMatch(/^text\/html/);
  expect(index.headers['cache-control']).toBe('no-cache');
  expect(index.body).toContain('<div id="root"></div>');

  const deepLink = await httpRequest(`${frontend.url}/items/42`);
  expect(deepLink.status).toBe(200);
  expect(deepLink.body).toBe(index.body);

  const script = readdirSync(path.join(distDir, 'assets')).find((name) => name.endsWith('.js'));
  expect(script).toBeDefined();
  const asset = await httpRequest(`${frontend.url}/assets/${script}`);
  expect(asset.status).toBe(200);
  expect(asset.headers['content-type']).toMatch(/javascript/);
  expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  // A stale page asking for an asset of another build gets a 404, not index.html.
  expect((await httpRequest(`${frontend.url}/assets/index-0ld0ld.js`)).status).toBe(404);

  const items = await httpRequest(`${frontend.url}/api/items`);
  expect(items.status).toBe(200);
  expect(items.json<Array<{ name: string }>>().map((item) => item.name)).toEqual(['kettle', 'teapot']);
  expect(items.headers['x-app-version']).toBe('2.3.0');
  expect((await httpRequest(`${frontend.url}/health`)).json()).toMatchObject({
    version: '2.3.0',
    status: 'healthy'
  });
  expect((await httpRequest(`${frontend.url}/ready`)).json()).toMatchObject({ status: 'ready' });
  expect((await httpRequest(`${frontend.url}/healthz`)).body).toBe('ok\n');
});

test('the smoke test sees the item list and the backend version, with no console error', async () => {
  const run = await smoke({ BASE_URL: frontend.url, SMOKE_PATHS: '/,/items/1', EXPECT_VERSION: '2.3.0' });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.report).toMatchObject({ schema: 'frontend-smoke/v1', passed: true });
  expect(run.report?.pages).toEqual([
    expect.objectContaining({
      path: '/',
      status: 200,
      backend: 'backend 2.3.0 9f8e7d6 on the stable track',
      items: ['kettle', 'teapot'],
      errors: []
    }),
    expect.objectContaining({ path: '/items/1', status: 200, items: ['kettle', 'teapot'], errors: [] })
  ]);
  expect(run.stdout).toContain('ok   /: 200, backend 2.3.0 9f8e7d6 on the stable track, 2 item(s)');
  expect(run.summary).toContain('### Frontend smoke: passed');
});

test('the smoke test fails on another version than the expected one', async () => {
  const run = await smoke({ BASE_URL: frontend.url, EXPECT_VERSION: '2.4.0' });
  expect(run.code).toBe(1);
  expect(run.report?.passed).toBe(false);
  expect(run.report?.pages[0]?.errors).toEqual([
    { kind: 'render', text: 'the page shows backend 2.3.0, expected 2.4.0' }
  ]);
});

test('the smoke test fails, naming the errors, when the backend behind the frontend is down', async () => {
  const deadBackend = `http://127.0.0.1:${await freePort()}`;
  const broken = await startFrontendServer({ distDir, backendUrl: deadBackend });
  try {
    const run = await smoke({ BASE_URL: broken.url });
    expect(run.code).toBe(1);
    const errors = run.report?.pages[0]?.errors ?? [];
    const kinds = new Set(errors.map((error) => error.kind));
    // nginx answers 502: Chromium logs it, the responses are HTTP errors, and the page says so.
    expect([...kinds].sort()).toEqual(['console', 'http', 'render']);
    expect(errors).toEqual(
      expect.arrayContaining([
        { kind: 'http', text: `GET ${broken.url}/health answered 502` },
        { kind: 'http', text: `GET ${broken.url}/api/items answered 502` },
        { kind: 'render', text: 'backend unavailable (/health answered 502)' },
        { kind: 'render', text: 'Could not load items: /api/items answered 502' }
      ])
    );
    expect(run.summary).toContain('### Frontend smoke: FAILED');
    expect(run.summary).toContain('| `/` | http |');
  } finally {
    await broken.stop();
  }
});

test('the smoke test refuses a bad configuration before starting a browser', async () => {
  const run = await smoke({ BASE_URL: 'staging.example.com', SMOKE_PATHS: 'items' });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('BASE_URL must be an http(s) URL (got "staging.example.com")');
  expect(run.stderr).toContain('SMOKE_PATHS entries must start with "/" (got "items")');
  expect(run.report).toBeUndefined();
});

describe("the backend image's start and health commands, run here", () => {
  // The image runs them with its venv's python and uvicorn; Debian's are the same versions.
  const dockerfile = parseDockerfile(readFileSync(path.join(EXAMPLE_BACKEND_DIR, 'Dockerfile'), 'utf8'));
  const runtime = dockerfile.stages.at(-1);
  const command = JSON.parse(instructionsOf(runtime!, 'CMD')[0]?.args ?? '[]') as string[];
  const healthcheck = JSON.parse(
    /\bCMD (\[.*\])$/.exec(instructionsOf(runtime!, 'HEALTHCHECK')[0]?.args ?? '')?.[1] ?? '[]'
  ) as string[];

  test('CMD serves the app on $PORT, and HEALTHCHECK passes while it runs and fails once it is gone', async () => {
    expect(command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(healthcheck.slice(0, 2)).toEqual(['python', '-c']);
    const port = await freePort();
    const dir = makeTempDir('backend-cmd');
    // Tests listen on loopback only: the image listens on every interface of its container.
    const script = (command[2] as string).replace('--host 0.0.0.0', '--host 127.0.0.1');
    expect(script).not.toBe(command[2]);
    const env = childEnv({
      PORT: String(port),
      APP_VERSION: '3.0.0',
      GIT_SHA: 'feedface1234',
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      PYTHONDONTWRITEBYTECODE: '1'
    });
    const server = await startProcess('sh', ['-c', script], {
      name: 'backend CMD',
      cwd: EXAMPLE_BACKEND_DIR,
      env,
      logFile: path.join(dir, 'log')
    });
    const check = () =>
      runCommand(PYTHON, healthcheck.slice(1), { env: childEnv({ PORT: String(port) }), timeoutMs: 10_000 });
    try {
      await waitForPort(port, 30_000, { process: server });
      expect((await httpRequest(`http://127.0.0.1:${port}/health`)).json()).toMatchObject({
        version: '3.0.0',
        git_sha: 'feedface1234'
      });
      expect((await check()).code).toBe(0);
    } finally {
      await server.stop();
      removeDir(dir);
    }
    expect((await check()).code).toBe(1);
  });

  test('ENV and EXPOSE agree on the port', () => {
    const env = new Map(instructionsOf(runtime!, 'ENV').flatMap((i) => [...assignments(i.args)]));
    expect(instructionsOf(runtime!, 'EXPOSE').map((i) => i.args)).toEqual([env.get('PORT')]);
  });
});
