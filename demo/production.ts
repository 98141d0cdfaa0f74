/**
 * The "production" the demo deploys to, all on 127.0.0.1: PostgreSQL and Redis, the stable app
 * (v1) behind nginx, Prometheus scraping the app instances every second, the GitHub API fake with
 * the environment's deployment history, and a chat webhook. Everything is registered with the
 * teardown as soon as it runs.
 */
import { startGitHubFake, type GitHubFake } from '../action-tests/fakes/github/index.ts';
import {
  freePort,
  migrateDatabase,
  startExampleApp,
  startPostgres,
  startRedis,
  type ExampleApp,
  type PostgresService,
  type RedisService
} from '../action-tests/services/index.ts';
import { startNginx, type NginxService } from '../action-tests/services/nginx.ts';
import { startPrometheus, type PrometheusService } from '../action-tests/services/prometheus.ts';
import type { Teardown } from './teardown.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook.ts';

export const ENVIRONMENT = 'production';

/** A release: what the pipeline would have built and tagged. */
export interface Release {
  version: string;
  sha: string;
}

export const OLDER: Release = { version: '0.9.0', sha: '5d41402abc4b2a76b9719d911017c592ae1d3b90' };
export const STABLE: Release = { version: '1.0.0', sha: '3f786850e387550fdab836ed7e6dc881de23001b' };
export const CANARY: Release = { version: '2.0.0', sha: '89e6c98d92887913cadf06b2adb97f26cde4849b' };

/** The schema v1 runs with; v2 brings the next revision (0003_add_item_category). */
export const STABLE_REVISION = '0002_create_reviews';

export interface Production {
  postgres: PostgresService;
  redis: RedisService;
  stable: ExampleApp;
  nginx: NginxService;
  prometheus: PrometheusService;
  github: GitHubFake;
  webhook: WebhookReceiver;
  /** The port the canary will listen on (nginx and Prometheus know it from the start). */
  canaryPort: number;
  /** The GitHub deployment of v2, once recorded. */
  canaryDeploymentId?: number;
}

/** Starts production with v1 live and the deployment history saying so. */
export async function startProduction(teardown: Teardown, say: (line: string) => void): Promise<Production> {
  // Ports first, so nginx and Prometheus can start alongside the apps they point at.
  const [stablePort, canaryPort] = await Promise.all([freePort(), freePort()]);
  const stableServer = `127.0.0.1:${stablePort}`;
  const canaryServer = `127.0.0.1:${canaryPort}`;

  const [postgres, redis, nginx, prometheus, github, webhook] = await Promise.all([
    teardown.own(startPostgres().then((s) => ({ ...s, name: 'postgres' }))),
    teardown.own(startRedis().then((s) => ({ ...s, name: 'redis' }))),
    // The canary-step router rewrites this upstream file; until then all traffic goes to stable.
    teardown.own(
      startNginx({ upstreamServers: [`${stableServer} weight=100`, `${canaryServer} down`] }).then((s) => ({
        ...s,
        name: 'nginx'
      }))
    ),
    teardown.own(
      startPrometheus({ targets: [stableServer, canaryServer], scrapeIntervalSeconds: 1 }).then((s) => ({
        ...s,
        name: 'prometheus'
      }))
    ),
    teardown.own(startGitHubFake().then((s) => ({ ...s, name: 'github-fake', stop: () => s.close() }))),
    teardown.own(startWebhookReceiver().then((s) => ({ ...s, name: 'webhook', stop: () => s.close() })))
  ]);
  say(`PostgreSQL 15   ${postgres.url.replace(/\/app$/, '')}  (pid ${postgres.pid})`);
  say(`Redis           127.0.0.1:${redis.port}  (pid ${redis.pid})`);

  await migrateDatabase(postgres.url, STABLE_REVISION);
  say(`alembic upgrade ${STABLE_REVISION} on the production database (v1's schema)`);

  const stable = await teardown.own(
    startExampleApp({
      version: STABLE.version,
      gitSha: STABLE.sha,
      track: 'stable',
      port: stablePort,
      databaseUrl: postgres.url,
      redisUrl: redis.url
    }).then((s) => ({ ...s, name: `app-v${STABLE.version}` }))
  );
  say(`stable v${STABLE.version}    ${stable.url}  (uvicorn, pid ${stable.pid})`);
  say(`nginx           ${nginx.url}  (pid ${nginx.pid}): 100% to stable, canary ${canaryServer} down`);

  await prometheus.waitForSeries('app_build_info{track="stable"}', 30_000);
  say(`Prometheus      ${prometheus.url}  (pid ${prometheus.pid}): scrapes both app ports every 1 s`);

  // What GitHub knows about production before this deploy: 1.0.0 is live and was good.
  const state = github.state;
  state.addDeployment({
    sha: OLDER.sha,
    environment: ENVIRONMENT,
    payload: { version: OLDER.version },
    statuses: ['success', 'inactive']
  });
  state.addDeployment({
    sha: STABLE.sha,
    environment: ENVIRONMENT,
    payload: { version: STABLE.version },
    statuses: ['success']
  });
  // The incident names the commits between the good and the bad version.
  state.setComparison(STABLE.sha, CANARY.sha, { aheadBy: 4, behindBy: 0 });
  say(`GitHub API fake ${github.url}: ${ENVIRONMENT} deployments ${OLDER.version}, ${STABLE.version} (live)`);
  say(`chat webhook    a loopback receiver (its URL is a secret: never printed)`);

  return { postgres, redis, stable, nginx, prometheus, github, webhook, canaryPort };
}

/** Starts v2 on the canary port (no traffic yet: nginx marks it down until canary-step moves weight). */
export async function startCanary(
  production: Production,
  teardown: Teardown,
  faults: { faultErrorPercent?: number; faultSeed?: number }
): Promise<ExampleApp> {
  const canary = await teardown.own(
    startExampleApp({
      version: CANARY.version,
      gitSha: CANARY.sha,
      track: 'canary',
      port: production.canaryPort,
      databaseUrl: production.postgres.url,
      redisUrl: production.redis.url,
      ...faults
    }).then((s) => ({ ...s, name: `app-v${CANARY.version}` }))
  );
  return canary;
}
