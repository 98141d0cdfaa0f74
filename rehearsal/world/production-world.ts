/**
 * The production a scenario deploys to, on 127.0.0.1: PostgreSQL and Redis, the example app's
 * stable and canary tracks behind nginx (the canary router's upstream file), Prometheus scraping
 * both tracks, a staging app, and a chat webhook receiver - started and stopped with the demo's
 * pieces (demo/teardown.ts, demo/webhook.ts). A version's "image" is the example app from source
 * with APP_VERSION = the version and the faults the scenario gave that version.
 * The deploy, canary, weight, promote and redeploy commands the workflows take as inputs are small
 * scripts in the run folder; each hands its environment to this process, which acts on the world.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { GitHubFake } from '../../action-tests/fakes/github/index.ts';
import {
  freePort,
  migrateDatabase,
  startExampleApp,
  startPostgres,
  startRedis,
  type ExampleApp
} from '../../action-tests/services/index.ts';
import { startNginx } from '../../action-tests/services/nginx.ts';
import { startPrometheus } from '../../action-tests/services/prometheus.ts';
import { Teardown, type StoppedProcess } from '../../demo/teardown.ts';
import { startWebhookReceiver } from '../../demo/webhook.ts';
import { NODE24, REPO_ROOT, runPaths } from './run-dir.ts';

/** How a version of the app behaves once deployed. */
export interface VersionBehaviour {
  /** Share of requests (0-1) answered with 500. */
  faultRate?: number;
  /** Added to every request but /metrics. */
  faultLatencyMs?: number;
  /** Seeds the fault switch, so which requests fail is the same on every run. */
  faultSeed?: number;
  /**
   * The faults show in production only (stable and canary tracks), not on staging: a release
   * that breaks under production's traffic or data, which only the canary can catch.
   */
  productionOnly?: boolean;
  /** The commit it was built from (default: derived from the version). */
  sha?: string;
}

export interface ProductionWorldOptions {
  /** The versions that exist; the first is live in production and staging at the start. */
  versions: Record<string, VersionBehaviour>;
  /** The rehearsal run folder (the command scripts go there). */
  runDir: string;
  /** The production database's alembic revision at the start (default head). */
  revision?: string;
  /** When given, production's deployment history says the first version is live. */
  github?: GitHubFake;
}

export interface ProductionWorld {
  urls: { production: string; stable: string; canary: string; staging: string; prometheus: string };
  /** Workflow inputs (by input name) and secrets (upper case) that point the pipeline at this world. */
  env: Record<string, string>;
  /** The version each track runs now (canary undefined while none runs). */
  live(): { stable: string; canary: string | undefined; staging: string };
  /** What the webhook received (JSON bodies parsed). */
  webhookBodies(): unknown[];
  github: GitHubFake | undefined;
  /** The commands the world ran, in order, with the version they were given. */
  commands(): { command: WorldCommand; version: string | undefined }[];
  /**
   * Stops everything the world started, by PID, and resolves with those processes; rejects naming
   * any that would not stop.
   */
  stop(): Promise<StoppedProcess[]>;
}

export type WorldCommand = 'staging-deploy' | 'canary-start' | 'set-weight' | 'promote' | 'redeploy';
const COMMANDS: readonly WorldCommand[] = [
  'staging-deploy',
  'canary-start',
  'set-weight',
  'promote',
  'redeploy'
];
export const WORLD_COMMAND_CLIENT = path.join(REPO_ROOT, 'rehearsal', 'world', 'world-command.ts');

interface Track {
  port: number;
  app: ExampleApp | undefined;
  version: string | undefined;
  sha?: string;
}

export async function startProductionWorld(options: ProductionWorldOptions): Promise<ProductionWorld> {
  const versions = Object.keys(options.versions);
  const first = versions[0];
  if (first === undefined) throw new Error('startProductionWorld: give at least one version');
  // Only what the world started: the program around it (the engine, a test) has processes of its own.
  const teardown = new Teardown({ stopDescendants: false });
  const history: { command: WorldCommand; version: string | undefined }[] = [];
  try {
    const [stablePort, canaryPort, stagingPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const server = (port: number) => `127.0.0.1:${port}`;
    const [postgres, redis, nginx, prometheus, webhook] = await Promise.all([
      teardown.own(startPostgres().then((s) => ({ ...s, name: 'postgres' }))),
      teardown.own(startRedis().then((s) => ({ ...s, name: 'redis' }))),
      teardown.own(
        startNginx({
          upstreamServers: [`${server(stablePort)} weight=100`, `${server(canaryPort)} down`]
        }).then((s) => ({ ...s, name: 'nginx' }))
      ),
      teardown.own(
        startPrometheus({ targets: [server(stablePort), server(canaryPort)], scrapeIntervalSeconds: 1 }).then(
          (s) => ({
            ...s,
            name: 'prometheus'
          })
        )
      ),
      teardown.own(startWebhookReceiver().then((s) => ({ ...s, name: 'webhook', stop: () => s.close() })))
    ]);
    const stagingUrl = await postgres.createDatabase('staging');
    await Promise.all([
      migrateDatabase(postgres.url, options.revision),
      migrateDatabase(stagingUrl, options.revision)
    ]);

    const shaOf = (version: string) => options.versions[version]?.sha ?? createShaFor(version);
    // The commit an image reports: the one the deploy names (GIT_SHA, ROLLBACK_SHA), as an image
    // built from it would, else the version's own.
    const startVersion = (
      version: string,
      port: number,
      track: 'stable' | 'canary',
      databaseUrl: string,
      sha?: string
    ) => {
      const known = options.versions[version];
      if (!known) throw new Error(`the world has no version ${version} (it has ${versions.join(', ')})`);
      const behaviour = known.productionOnly && databaseUrl === stagingUrl ? {} : known;
      return teardown.own(
        startExampleApp({
          version,
          gitSha: sha || shaOf(version),
          track,
          port,
          databaseUrl,
          redisUrl: redis.url,
          ...(behaviour.faultRate !== undefined
            ? { faultErrorPercent: Math.round(behaviour.faultRate * 100) }
            : {}),
          ...(behaviour.faultLatencyMs !== undefined ? { faultLatencyMs: behaviour.faultLatencyMs } : {}),
          ...(behaviour.faultSeed !== undefined ? { faultSeed: behaviour.faultSeed } : {})
        }).then((app) => ({ ...app, name: `app ${version} (${track})` }))
      );
    };
    const replace = async (
      track: Track,
      version: string,
      role: 'stable' | 'canary',
      databaseUrl: string,
      sha?: string
    ) => {
      await track.app?.stop();
      track.app = undefined;
      track.app = await startVersion(version, track.port, role, databaseUrl, sha);
      track.version = version;
      track.sha = sha || shaOf(version);
    };

    const stable: Track = { port: stablePort, app: undefined, version: undefined };
    const canary: Track = { port: canaryPort, app: undefined, version: undefined };
    const staging: Track = { port: stagingPort, app: undefined, version: undefined };
    await Promise.all([
      replace(stable, first, 'stable', postgres.url),
      replace(staging, first, 'stable', stagingUrl)
    ]);

    const current = stable;
    const writeUpstream = async (stableWeight: number) => {
      const line = (track: Track, weight: number) =>
        `    server ${server(track.port)} ${weight > 0 && track.app ? `weight=${weight}` : 'down'};`;
      writeFileSync(
        nginx.upstreamFile,
        `upstream ${nginx.upstreamName} {\n${line(current, stableWeight)}\n${line(canary, 100 - stableWeight)}\n}\n`
      );
      await nginx.reload();
    };

    const act = async (command: WorldCommand, env: Record<string, string>): Promise<string> => {
      const version = env.ROLLBACK_VERSION || env.VERSION || undefined;
      history.push({ command, version });
      switch (command) {
        case 'staging-deploy':
          await replace(staging, need(version, 'VERSION'), 'stable', stagingUrl, env.GIT_SHA);
          return `staging runs ${staging.version} (${env.BACKEND_IMAGE ?? 'no BACKEND_IMAGE given'})`;
        case 'canary-start':
          await replace(canary, need(version, 'VERSION'), 'canary', postgres.url, env.GIT_SHA);
          return `canary track runs ${canary.version}, no traffic yet`;
        case 'set-weight': {
          const weight = Number(env.CANARY_WEIGHT);
          if (!Number.isInteger(weight) || weight < 0 || weight > 100)
            throw new Error(`CANARY_WEIGHT must be a whole number from 0 to 100, not ${env.CANARY_WEIGHT}`);
          if (weight > 0 && !canary.app)
            throw new Error('no canary runs: start one before giving it traffic');
          await writeUpstream(100 - weight);
          return `canary weight ${weight}%`;
        }
        case 'promote': {
          if (!canary.app || !canary.version) throw new Error('no canary runs: nothing to promote');
          // All traffic to the canary while the stable track restarts on the new version, then back:
          // each track keeps its address and its `track` label for the next release, and no
          // request is dropped.
          const promoted = canary.version;
          await writeUpstream(0);
          await replace(current, promoted, 'stable', postgres.url, canary.sha);
          await writeUpstream(100);
          await canary.app.stop();
          canary.app = undefined;
          canary.version = undefined;
          return `stable runs ${current.version}`;
        }
        case 'redeploy': {
          const target = need(version, 'ROLLBACK_VERSION');
          await writeUpstream(100);
          await canary.app?.stop();
          canary.app = undefined;
          canary.version = undefined;
          if (current.version !== target) {
            await replace(current, target, 'stable', postgres.url, env.ROLLBACK_SHA);
            await writeUpstream(100);
          }
          return `stable runs ${current.version} (${env.ROLLBACK_SHA ?? 'no ROLLBACK_SHA given'})`;
        }
      }
    };

    const token = randomBytes(16).toString('hex');
    const control = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const command = request.url?.slice(`/${token}/`.length) as WorldCommand;
        if (!request.url?.startsWith(`/${token}/`) || !COMMANDS.includes(command)) {
          response.writeHead(404).end('unknown command\n');
          return;
        }
        act(command, JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>).then(
          (message) => response.writeHead(200).end(`${message}\n`),
          (error: Error) => response.writeHead(500).end(`${error.message}\n`)
        );
      });
    });
    await teardown.own(
      new Promise<{ name: string; stop(): Promise<void> }>((resolve, reject) => {
        control.once('error', reject);
        control.listen(0, '127.0.0.1', () =>
          resolve({
            name: 'world control',
            stop: () => new Promise<void>((done) => control.close(() => done()))
          })
        );
      })
    );
    const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}/${token}`;
    const scripts = path.join(runPaths(options.runDir).tools, 'world');
    mkdirSync(scripts, { recursive: true });
    const script = (command: WorldCommand) => {
      const file = path.join(scripts, command);
      writeFileSync(
        file,
        `#!/bin/sh\nexec '${NODE24}' '${WORLD_COMMAND_CLIENT}' '${controlUrl}/${command}'\n`,
        {
          mode: 0o755
        }
      );
      return file;
    };

    if (options.github) {
      options.github.state.addDeployment({
        sha: shaOf(first),
        environment: 'production',
        payload: { version: first },
        statuses: ['success']
      });
    }
    const productionUrl = nginx.url;
    return {
      urls: {
        production: productionUrl,
        stable: `http://${server(stablePort)}`,
        canary: `http://${server(canaryPort)}`,
        staging: `http://${server(stagingPort)}`,
        prometheus: prometheus.url
      },
      env: {
        'production-url': productionUrl,
        'stable-url': `http://${server(stablePort)}`,
        'canary-url': `http://${server(canaryPort)}`,
        'staging-url': `http://${server(stagingPort)}`,
        'staging-deploy-command': script('staging-deploy'),
        'production-canary-command': script('canary-start'),
        'set-weight-command': script('set-weight'),
        'production-promote-command': script('promote'),
        'production-rollback-command': script('redeploy'),
        'nginx-upstream-file': nginx.upstreamFile,
        'nginx-stable-server': server(stablePort),
        'nginx-canary-server': server(canaryPort),
        'nginx-reload-command': nginx.reloadCommand,
        'prometheus-url': prometheus.url,
        STAGING_DATABASE_URL: stagingUrl,
        PRODUCTION_DATABASE_URL: postgres.url,
        NOTIFY_WEBHOOK: webhook.url
      },
      live: () => ({ stable: current.version!, canary: canary.version, staging: staging.version! }),
      webhookBodies: () => [...webhook.received],
      github: options.github,
      commands: () => [...history],
      async stop() {
        const problems: string[] = [];
        const stopped = await teardown.run((problem) => problems.push(problem));
        if (problems.length > 0)
          throw new Error(`the production world did not stop cleanly: ${problems.join('; ')}`);
        return stopped;
      }
    };
  } catch (error) {
    await teardown.run(() => undefined);
    throw error;
  }
}

function need(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** A stable 40-hex "commit" for a version the scenario gave no sha. */
function createShaFor(version: string): string {
  let hex = '';
  for (let i = 0; hex.length < 40; i++) hex += Buffer.from(`${version}:${i}`).toString('hex');
  return hex.slice(0, 40);
}
