/**
 * The rehearsal's image store, shared by docker/build-push-action's stand-in and the `docker`
 * stand-in. There is no Docker engine here: "building" an image reads the Dockerfile of the
 * context, snapshots the context (what COPY puts in the image) and records tags, build args,
 * labels and the final stage's environment. Running it starts that snapshot from source (see
 * containers.ts). The digest is the sha256 of a manifest of the context's checked-out files and the
 * build args, so the same sources and arguments always give the same digest.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  assignments,
  instructionsOf,
  parseDockerfile,
  type Stage
} from '../../action-tests/workflows/dockerfile.ts';
import { defaultBaseEnv } from '../engine/run-context.ts';
import { runPaths } from './run-dir.ts';

/** How an image runs here: the Python app from source, or nginx serving static files. */
export type ImageKind = 'python-app' | 'nginx-static';

export interface ImageRecord {
  /** `sha256:<hex>`: the manifest's hash (context files + build args). */
  digest: string;
  /** `sha256:<hex>`: the manifest plus labels and tags, like a config digest differs from the manifest's. */
  imageId: string;
  tags: string[];
  kind: ImageKind;
  /** The final stage's base image, as the Dockerfile says. */
  base: string;
  /** The snapshot of the context: what runs. */
  root: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  /** The final stage's ENV, build args substituted (PATH left to the runner of the image). */
  env: Record<string, string>;
  /** The final stage's CMD, as an argument list. */
  cmd: string[];
  /** For nginx-static: the site template the image renders at start, relative to root. */
  siteTemplate?: string;
}

export interface BuildRequest {
  /** Absolute path of the build context. */
  context: string;
  tags: string[];
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  /** The context's files that came from the checkout (relative to the context): the manifest. */
  trackedFiles: string[];
}

/** One registry reference: `host/owner/name:tag` or `host/owner/name@sha256:...`. */
export interface ImageReference {
  /** Everything before the tag or digest. */
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseReference(ref: string): ImageReference {
  const at = ref.indexOf('@');
  if (at >= 0) return { repository: ref.slice(0, at), digest: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(':');
  // A colon before the last slash belongs to a registry port (localhost:5000/app).
  if (colon > ref.lastIndexOf('/')) return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repository: ref, tag: 'latest' };
}

/** The registry host of a reference (Docker Hub when the first part is not a host). */
export function registryHost(ref: string): string {
  const first = parseReference(ref).repository.split('/')[0] ?? '';
  return /[.:]/.test(first) || first === 'localhost' ? first : 'docker.io';
}

/**
 * The stages before the runtime one (a frontend's `npm ci` and `npm run build`): their RUN
 * commands, run in the context as BuildKit runs them in the build container, so the runtime stage
 * finds what it copies from them.
 */
function runEarlierStages(stages: readonly Stage[], runtime: Stage, context: string): void {
  for (const earlier of stages.slice(0, stages.indexOf(runtime))) {
    for (const instruction of instructionsOf(earlier, 'RUN')) {
      // A build container's environment, not this process's (NODE_ENV=test would change the build).
      const env = defaultBaseEnv(context);
      const result = spawnSync('sh', ['-c', instruction.args], { cwd: context, env, encoding: 'utf8' });
      if (result.status !== 0)
        throw new Error(
          `RUN ${instruction.args} exited with ${result.status}: ${(result.stderr ?? '').trim().split('\n').slice(-3).join(' / ')}`
        );
    }
  }
}

/** Reads the Dockerfile, snapshots the context and records the image as loaded under its tags. */
export function buildImage(runDir: string, request: BuildRequest): ImageRecord {
  const dockerfilePath = path.join(request.context, 'Dockerfile');
  if (!existsSync(dockerfilePath)) throw new Error(`no Dockerfile in the build context ${request.context}`);
  const dockerfile = parseDockerfile(readFileSync(dockerfilePath, 'utf8'));
  const stage = dockerfile.stages.at(-1);
  if (!stage) throw new Error(`${dockerfilePath} has no FROM`);

  const args = new Map(dockerfile.globalArgs);
  for (const instruction of instructionsOf(stage, 'ARG')) {
    for (const [name, value] of assignments(instruction.args)) args.set(name, value);
  }
  for (const [name, value] of Object.entries(request.buildArgs)) args.set(name, value);
  const env: Record<string, string> = {};
  const substitute = (text: string) =>
    text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a?: string, b?: string) => {
      const name = (a ?? b)!;
      return env[name] ?? args.get(name) ?? '';
    });
  for (const instruction of instructionsOf(stage, 'ENV')) {
    for (const [name, value] of assignments(instruction.args)) {
      if (name !== 'PATH') env[name] = substitute(value);
    }
  }
  const labels: Record<string, string> = {};
  for (const instruction of instructionsOf(stage, 'LABEL')) {
    for (const [name, value] of assignments(instruction.args)) labels[name] = substitute(value);
  }
  Object.assign(labels, request.labels);

  const kind = imageKind(stage.from, dockerfilePath);
  const cmdInstruction = instructionsOf(stage, 'CMD').at(-1);
  const cmd = cmdInstruction ? parseCmd(cmdInstruction.args) : [];
  const siteTemplate = instructionsOf(stage, 'COPY')
    .flatMap((instruction) => instruction.args.split(/\s+/))
    .find((word) => word.endsWith('.template'));
  if (kind === 'nginx-static') {
    if (!siteTemplate)
      throw new Error(`${dockerfilePath}: an nginx image without a *.template site to render`);
    if (!existsSync(path.join(request.context, 'dist', 'index.html')))
      runEarlierStages(dockerfile.stages, stage, request.context);
    if (!existsSync(path.join(request.context, 'dist', 'index.html')))
      throw new Error(
        `the rehearsal serves ${request.context}/dist as the image's static files: build the frontend before the image`
      );
  }

  const manifest = manifestOf(request.context, request.trackedFiles, request.buildArgs);
  const digest = `sha256:${sha256(manifest)}`;
  const imageId = `sha256:${sha256(`${manifest}\n${JSON.stringify(labels)}\n${request.tags.join(',')}`)}`;
  const store = path.join(runPaths(runDir).images, imageId.slice('sha256:'.length));
  const root = path.join(store, 'root');
  if (!existsSync(root)) {
    mkdirSync(store, { recursive: true });
    // node_modules is the build's own; the image carries the built files (dist/) and the sources.
    cpSync(request.context, root, {
      recursive: true,
      filter: (source) => !/(^|\/)(node_modules|\.git)$/.test(source)
    });
  }
  const record: ImageRecord = {
    digest,
    imageId,
    tags: request.tags,
    kind,
    base: stage.from,
    root,
    buildArgs: Object.fromEntries(args),
    labels,
    env,
    cmd,
    ...(siteTemplate ? { siteTemplate } : {})
  };
  writeFileSync(path.join(store, 'image.json'), JSON.stringify(record, null, 2));
  const index = readIndex(runDir, 'local');
  for (const tag of request.tags) index[tag] = imageId;
  writeIndex(runDir, 'local', index);
  return record;
}

/** The image a reference names: a local tag, or a pushed tag or digest. */
export function findImage(runDir: string, ref: string): ImageRecord | undefined {
  const id = readIndex(runDir, 'local')[ref] ?? readIndex(runDir, 'registry')[ref];
  return id === undefined ? undefined : readImage(runDir, id);
}

/** Only what was pushed: the registry's view, for a pull or a run on another job's runner. */
export function findPushed(runDir: string, ref: string): ImageRecord | undefined {
  const id = readIndex(runDir, 'registry')[ref];
  return id === undefined ? undefined : readImage(runDir, id);
}

/** `docker push`: the registry now serves the image under its tag and `repository@digest`. */
export function pushImage(runDir: string, ref: string): ImageRecord {
  const id = readIndex(runDir, 'local')[ref];
  if (id === undefined) throw new Error(`An image does not exist locally with the tag: ${ref}`);
  const image = readImage(runDir, id);
  const registry = readIndex(runDir, 'registry');
  registry[ref] = id;
  registry[`${parseReference(ref).repository}@${image.digest}`] = id;
  writeIndex(runDir, 'registry', registry);
  return image;
}

/** The `repository@digest` names the registry knows the image by (docker's RepoDigests). */
export function repoDigests(runDir: string, image: ImageRecord): string[] {
  return Object.keys(readIndex(runDir, 'registry')).filter(
    (ref) => ref.endsWith(`@${image.digest}`) && readIndex(runDir, 'registry')[ref] === image.imageId
  );
}

function readImage(runDir: string, imageId: string): ImageRecord {
  const file = path.join(runPaths(runDir).images, imageId.slice('sha256:'.length), 'image.json');
  return JSON.parse(readFileSync(file, 'utf8')) as ImageRecord;
}

type Index = Record<string, string>;

function indexFile(runDir: string, which: 'local' | 'registry'): string {
  const paths = runPaths(runDir);
  return path.join(which === 'local' ? paths.images : paths.registry, 'index.json');
}

function readIndex(runDir: string, which: 'local' | 'registry'): Index {
  const file = indexFile(runDir, which);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Index) : {};
}

function writeIndex(runDir: string, which: 'local' | 'registry', index: Index): void {
  const file = indexFile(runDir, which);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(index, null, 2));
}

function imageKind(base: string, dockerfilePath: string): ImageKind {
  if (/(^|\/)python[:@]/.test(base) || base.startsWith('python')) return 'python-app';
  if (/nginx/.test(base)) return 'nginx-static';
  throw new Error(
    `${dockerfilePath}: the rehearsal can run images built FROM python or nginx, not FROM ${base}`
  );
}

/** CMD in exec form (a JSON list) or shell form (run by sh -c). */
function parseCmd(args: string): string[] {
  if (args.startsWith('[')) return JSON.parse(args) as string[];
  return ['/bin/sh', '-c', args];
}

/** One line per checked-out file of the context (`<sha256>  <path>`), sorted, then the build args. */
function manifestOf(
  context: string,
  trackedFiles: readonly string[],
  buildArgs: Record<string, string>
): string {
  const lines = [...trackedFiles]
    .sort()
    .filter((file) => existsSync(path.join(context, file)) && statSync(path.join(context, file)).isFile())
    .map((file) => `${sha256(readFileSync(path.join(context, file)))}  ${file}`);
  const args = Object.keys(buildArgs)
    .sort()
    .map((name) => `ARG ${name}=${buildArgs[name]}`);
  return [...lines, ...args].join('\n');
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
