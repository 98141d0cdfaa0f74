/**
 * Service containers of a job (`services:`), as the local servers the tests already start:
 * `postgres:*` is a private PostgreSQL 15 with the image's POSTGRES_USER / POSTGRES_PASSWORD /
 * POSTGRES_DB made real (role, database, and the password checked on TCP connections), `redis:*` a private Redis. Each listens on a
 * free loopback port, given back as the host port of the container port. Health-check options
 * are accepted: the servers are ready when they have started.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunningService, ServiceSpec, ServiceStarter } from '../engine/stand-in.ts';
import { startPostgres, startRedis } from '../../action-tests/services/index.ts';
import { forgetPid, recordPid } from './run-dir.ts';

interface StartedServer {
  port: number;
  pid: number;
  /** Leads its own process group (a child we spawned) rather than a daemon like the postmaster. */
  group: boolean;
  stop(): Promise<void>;
}

/** Container port of each image the rehearsal can stand in for, and the environment it reads. */
const IMAGES: Record<string, { port: string; env: readonly string[] }> = {
  postgres: { port: '5432', env: ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB'] },
  redis: { port: '6379', env: [] }
};

export const startService: ServiceStarter = async (id, spec, runDir) => {
  const image = imageName(spec.image);
  const known = image === undefined ? undefined : IMAGES[image];
  if (image === undefined || known === undefined)
    throw new Error(`no local stand-in for service image ${spec.image}`);
  for (const name of Object.keys(spec.env)) {
    if (!known.env.includes(name))
      throw new Error(
        `service ${id}: ${spec.image} stand-in does not support the environment variable ${name}`
      );
  }
  const options = (spec.options ?? '').trim();
  if (options !== '' && !/^(--health-[a-z-]+(=|\s+)("[^"]*"|'[^']*'|\S+)\s*)+$/.test(options))
    throw new Error(`service ${id}: only --health-* options are supported, not ${options}`);
  const containerPorts = spec.ports.map((mapping) => containerPort(mapping));
  for (const port of containerPorts) {
    if (port !== known.port)
      throw new Error(`service ${id}: ${spec.image} listens on ${known.port}, not ${port}`);
  }

  const server = image === 'postgres' ? await startPostgresService(spec.env) : await startRedisService();
  const key = `service-${id}-${server.pid}`;
  recordPid(runDir, key, { name: `service ${id}`, pid: server.pid, group: server.group });
  const running: RunningService = {
    ports: Object.fromEntries(containerPorts.map((port) => [port, String(server.port)])),
    async stop() {
      await server.stop();
      forgetPid(runDir, key);
    }
  };
  return running;
};

async function startPostgresService(env: ServiceSpec['env']): Promise<StartedServer> {
  const user = env.POSTGRES_USER || 'postgres';
  const password = env.POSTGRES_PASSWORD ?? '';
  // The image refuses to start without a password (unless told to trust everyone): so does this.
  if (password === '')
    throw new Error('postgres service: POSTGRES_PASSWORD is required by the postgres image');
  const database = env.POSTGRES_DB || user;
  const service = await startPostgres({ database });
  try {
    const quotedUser = `"${user.replaceAll('"', '""')}"`;
    const quotedPassword = `'${password.replaceAll("'", "''")}'`;
    await service.query(
      user === 'postgres'
        ? `ALTER ROLE postgres PASSWORD ${quotedPassword}`
        : `CREATE ROLE ${quotedUser} LOGIN SUPERUSER PASSWORD ${quotedPassword}`,
      database
    );
    await service.query(`ALTER DATABASE "${database}" OWNER TO ${quotedUser}`, database);
    // From now on TCP connections need the password, as in the image; the local socket stays open
    // to the server's own tools.
    writeFileSync(
      path.join(service.dir, 'data', 'pg_hba.conf'),
      'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n'
    );
    await service.query('SELECT pg_reload_conf()', database);
  } catch (error) {
    await service.stop();
    throw error;
  }
  return { port: service.port, pid: service.pid, group: false, stop: () => service.stop() };
}

async function startRedisService(): Promise<StartedServer> {
  const service = await startRedis();
  return { port: service.port, pid: service.pid, group: true, stop: () => service.stop() };
}

/** `postgres:15`, `docker.io/library/postgres@sha256:...` -> `postgres`. */
function imageName(image: string): string | undefined {
  const match = /^(?:(?:docker\.io|index\.docker\.io)\/)?(?:library\/)?([a-z0-9._-]+)(?:[:@].*)?$/.exec(
    image.trim()
  );
  return match?.[1];
}

/** `5432:5432`, `127.0.0.1:5432:5432/tcp` or `5432` -> `5432`. */
function containerPort(mapping: string): string {
  const port = mapping.split('/')[0]!.split(':').at(-1)!;
  if (!/^\d+$/.test(port)) throw new Error(`service port ${mapping}: expected [host:]container`);
  return port;
}
