/**
 * The `docker` command of the rehearsal (the script toolsPath() writes calls this file with Node 24).
 * It does what the workflows ask of Docker, with the images of images.ts and the containers of
 * containers.ts: run, push, pull, image inspect (RepoDigests), logs, rm -f, version, buildx version.
 * Anything else exits with 2 and says that the rehearsal does not support it.
 *   usage: node docker-cli.ts <runDir> <docker arguments...>
 */
import { existsSync, readFileSync } from 'node:fs';
import { findContainer, isRunning, removeContainer, runContainer } from './containers.ts';
import { findImage, findPushed, parseReference, pushImage, registryHost, repoDigests } from './images.ts';
import { loggedIn } from './logins.ts';

/** What `docker version` and `docker buildx version` report: plainly the stand-in. */
export const STAND_IN_VERSION = '0.0.0-rehearsal';

class Unsupported extends Error {}
/** A failure docker itself would report, with its exit status. */
class DockerError extends Error {
  readonly code: number;
  constructor(message: string, code = 1) {
    super(message);
    this.code = code;
  }
}

async function main(runDir: string, args: string[]): Promise<number> {
  const job = process.env.RUNNER_TEMP ?? '';
  const [command, ...rest] = args;
  switch (command) {
    case 'run':
      return run(runDir, job, rest);
    case 'push':
      return push(runDir, job, only(rest, 'push'));
    case 'pull':
      return pull(runDir, only(rest, 'pull'));
    case 'image':
      if (rest[0] !== 'inspect') throw new Unsupported(`image ${rest[0] ?? ''}`.trim());
      return inspect(runDir, rest.slice(1));
    case 'inspect':
      return inspect(runDir, rest);
    case 'logs':
      return logs(runDir, job, only(rest, 'logs'));
    case 'rm':
      return remove(runDir, job, rest);
    case 'version':
      if (rest.join(' ') !== '--format {{.Server.Version}}') throw new Unsupported(args.join(' '));
      process.stdout.write(`${STAND_IN_VERSION}\n`);
      return 0;
    case 'buildx':
      if (rest.join(' ') !== 'version') throw new Unsupported(args.join(' '));
      process.stdout.write(`github.com/docker/buildx v${STAND_IN_VERSION} rehearsal-stand-in\n`);
      return 0;
    default:
      throw new Unsupported(args.join(' '));
  }
}

async function run(runDir: string, job: string, args: string[]): Promise<number> {
  let detach = false;
  let name: string | undefined;
  let network: string | undefined;
  const env: Record<string, string> = {};
  let index = 0;
  const value = (flag: string): string => {
    const next = args[++index];
    if (next === undefined) throw new DockerError(`flag needs an argument: ${flag}`, 125);
    return next;
  };
  for (; index < args.length; index++) {
    const arg = args[index]!;
    if (!arg.startsWith('-')) break;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const take = () => inline ?? value(flag!);
    if (flag === '--rm')
      continue; // foreground containers are removed when they end anyway
    else if (flag === '-d' || flag === '--detach') detach = true;
    else if (flag === '--name') name = take();
    else if (flag === '--network' || flag === '--net') network = take();
    else if (flag === '-e' || flag === '--env') {
      const assignment = take();
      const equals = assignment.indexOf('=');
      if (equals > 0) env[assignment.slice(0, equals)] = assignment.slice(equals + 1);
      // `-e NAME` passes the caller's value, and nothing when the caller has none.
      else if (process.env[assignment] !== undefined) env[assignment] = process.env[assignment]!;
    } else throw new Unsupported(`run ${flag}`);
  }
  const ref = args[index];
  if (ref === undefined) throw new DockerError('"docker run" requires at least 1 argument.', 125);
  if (network !== 'host')
    throw new DockerError(
      'docker stand-in: containers share the host network here; `docker run` needs `--network host`',
      125
    );
  const image = findImage(runDir, ref);
  if (!image)
    throw new DockerError(`Unable to find image '${ref}': it was neither built in this run nor pushed`, 125);
  const result = await runContainer(runDir, {
    image,
    ref,
    name,
    env,
    command: args.slice(index + 1),
    detach,
    job
  });
  if (detach) process.stdout.write(`${result.id}\n`);
  return result.code;
}

function push(runDir: string, job: string, ref: string): number {
  const host = registryHost(ref);
  if (!loggedIn(runDir, job, host))
    throw new DockerError(`denied: not logged in to ${host} in this job (docker/login-action first)`);
  const image = pushImage(runDir, ref);
  process.stdout.write(`${parseReference(ref).tag ?? ''}: digest: ${image.digest}\n`);
  return 0;
}

function pull(runDir: string, ref: string): number {
  const image = findPushed(runDir, ref);
  if (!image)
    throw new DockerError(`Error response from daemon: manifest for ${ref} not found: manifest unknown`);
  process.stdout.write(`Digest: ${image.digest}\nStatus: Downloaded newer image for ${ref}\n${ref}\n`);
  return 0;
}

/** `docker image inspect [--format F] REF`: the formats the workflows use. */
function inspect(runDir: string, args: string[]): number {
  let format: string | undefined;
  const refs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--format' || arg === '-f') format = args[++i];
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
    else if (arg.startsWith('-')) throw new Unsupported(`image inspect ${arg}`);
    else refs.push(arg);
  }
  if (refs.length !== 1) throw new Unsupported(`image inspect with ${refs.length} images`);
  const image = findImage(runDir, refs[0]!);
  if (!image) throw new DockerError(`Error: No such image: ${refs[0]}`);
  const digests = repoDigests(runDir, image);
  const formats: Record<string, () => string> = {
    '{{range .RepoDigests}}{{println .}}{{end}}': () => digests.map((line) => `${line}\n`).join(''),
    '{{json .RepoDigests}}': () => `${JSON.stringify(digests)}\n`,
    '{{index .RepoDigests 0}}': () => `${digests[0] ?? ''}\n`,
    '{{.Id}}': () => `${image.imageId}\n`
  };
  if (format === undefined) {
    const inspected = {
      Id: image.imageId,
      RepoTags: image.tags,
      RepoDigests: digests,
      Config: {
        Env: Object.entries(image.env).map(([k, v]) => `${k}=${v}`),
        Cmd: image.cmd,
        Labels: image.labels
      }
    };
    process.stdout.write(`${JSON.stringify([inspected], null, 4)}\n`);
    return 0;
  }
  const render = formats[format];
  if (!render) throw new Unsupported(`image inspect --format ${format}`);
  process.stdout.write(render());
  return 0;
}

function logs(runDir: string, job: string, name: string): number {
  const container = findContainer(runDir, name, job);
  if (!container) throw new DockerError(`Error response from daemon: No such container: ${name}`);
  if (existsSync(container.logFile)) process.stdout.write(readFileSync(container.logFile));
  return 0;
}

async function remove(runDir: string, job: string, args: string[]): Promise<number> {
  const force = args.includes('-f') || args.includes('--force');
  const names = args.filter((arg) => !arg.startsWith('-'));
  if (names.length === 0 || args.some((arg) => arg.startsWith('-') && arg !== '-f' && arg !== '--force'))
    throw new Unsupported(`rm ${args.join(' ')}`);
  let code = 0;
  for (const name of names) {
    const container = findContainer(runDir, name, job);
    if (!container) {
      process.stderr.write(`Error response from daemon: No such container: ${name}\n`);
      code = 1;
    } else if (isRunning(container) && !force) {
      process.stderr.write(
        `Error response from daemon: cannot remove running container ${name}: stop it or use -f\n`
      );
      code = 1;
    } else {
      await removeContainer(runDir, container);
      process.stdout.write(`${name}\n`);
    }
  }
  return code;
}

function only(args: string[], command: string): string {
  if (args.length !== 1 || args[0]!.startsWith('-')) throw new Unsupported(`${command} ${args.join(' ')}`);
  return args[0]!;
}

const [runDir, ...args] = process.argv.slice(2);
try {
  if (runDir === undefined) throw new DockerError('usage: docker-cli.ts <runDir> <docker arguments...>', 2);
  process.exitCode = await main(runDir, args);
} catch (error) {
  if (error instanceof Unsupported) {
    process.stderr.write(`docker stand-in: \`docker ${error.message}\` is not supported by the rehearsal\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = error instanceof DockerError ? error.code : 1;
  }
}
