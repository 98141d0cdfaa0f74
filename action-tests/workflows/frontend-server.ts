// The example frontend served the way its image serves it: Debian's nginx with the image's own site
// template (examples/frontend/nginx/default.conf.template), rendered the way the image's entrypoint
// renders it, in front of a built dist/ and a real backend. Always call stop().
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  EXAMPLE_FRONTEND_DIR,
  freePort,
  makeTempDir,
  removeDir,
  runChecked,
  startProcess,
  waitForHttp,
  type ManagedProcess
} from '../services/index.ts';

export const NGINX = '/usr/sbin/nginx';
export const FRONTEND_TEMPLATE = path.join(EXAMPLE_FRONTEND_DIR, 'nginx', 'default.conf.template');
/** Where the image puts the static files; the test serves them from a temporary folder instead. */
const IMAGE_ROOT = 'root /usr/share/nginx/html;';

/**
 * envsubst as the nginx image's entrypoint runs it: `${NAME}` and `$NAME` are replaced for the
 * given names only, so nginx's own variables (`$uri`, `$host`) stay.
 */
export function renderTemplate(template: string, variables: Record<string, string>): string {
  let text = template;
  for (const [name, value] of Object.entries(variables)) {
    text = text.replace(new RegExp(`\\$\\{${name}\\}|\\$${name}(?![A-Za-z0-9_])`, 'g'), () => value);
  }
  return text;
}

/**
 * Lays out in `dir` what the frontend image runs: its site template rendered as its entrypoint does
 * (`variables`, e.g. BACKEND_URL and NGINX_PORT), the static files served from `htmlDir` instead of
 * the image's folder, and the nginx.conf the nginx image provides around the site (mime types,
 * logs, temp paths). Returns the rendered site.
 */
export function writeFrontendNginx(
  dir: string,
  options: {
    template: string;
    variables: Record<string, string>;
    htmlDir: string;
    errorLog: string;
    accessLog: string;
  }
): string {
  const rendered = renderTemplate(readFileSync(options.template, 'utf8'), options.variables);
  if (!rendered.includes(IMAGE_ROOT)) throw new Error(`${options.template} no longer says "${IMAGE_ROOT}"`);
  const site = rendered.replace(IMAGE_ROOT, `root ${options.htmlDir};`);
  writeFileSync(path.join(dir, 'site.conf'), site);
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
    mkdirSync(path.join(dir, 'temp', sub), { recursive: true });
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${options.errorLog} warn;`,
      'events { worker_connections 64; }',
      'http {',
      '  include /etc/nginx/mime.types;',
      '  default_type application/octet-stream;',
      `  access_log ${options.accessLog};`,
      `  client_body_temp_path ${dir}/temp/body;`,
      `  proxy_temp_path ${dir}/temp/proxy;`,
      `  fastcgi_temp_path ${dir}/temp/fastcgi;`,
      `  uwsgi_temp_path ${dir}/temp/uwsgi;`,
      `  scgi_temp_path ${dir}/temp/scgi;`,
      `  include ${dir}/site.conf;`,
      '}',
      ''
    ].join('\n')
  );
  return site;
}

/** Environment for child tools: without Jest's NODE_OPTIONS. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

/**
 * Builds the frontend with Vite into a new temporary folder (not examples/frontend/dist, which
 * other tests build too). Returns the folder; remove it with removeDir.
 */
export async function buildFrontend(): Promise<string> {
  // Jest sets NODE_ENV=test, and Vite builds what NODE_ENV says: without this the bundle would carry
  // React's development build (StrictMode then runs every effect twice and aborts the first fetch).
  const env = childEnv({ NODE_ENV: 'production' });
  if (!existsSync(path.join(EXAMPLE_FRONTEND_DIR, 'node_modules', 'vite'))) {
    await runChecked('npm', ['ci', '--no-audit', '--no-fund'], {
      cwd: EXAMPLE_FRONTEND_DIR,
      env,
      timeoutMs: 150_000
    });
  }
  const dir = makeTempDir('frontend-dist');
  chmodSync(dir, 0o755); // nginx workers run as another user when the tests run as root
  await runChecked(
    process.execPath,
    [
      path.join('node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--outDir',
      dir,
      '--emptyOutDir',
      '--logLevel',
      'warn'
    ],
    { cwd: EXAMPLE_FRONTEND_DIR, env, timeoutMs: 120_000 }
  );
  return dir;
}

export interface FrontendServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly process: ManagedProcess;
  /** The rendered site configuration, as nginx runs it. */
  readonly site: string;
  logTail(): string;
  stop(): Promise<void>;
}

/** Starts nginx with the image's site template, serving `distDir` and proxying to `backendUrl`. */
export async function startFrontendServer(options: {
  distDir: string;
  backendUrl: string;
}): Promise<FrontendServer> {
  const dir = makeTempDir('frontend-nginx');
  chmodSync(dir, 0o755);
  try {
    const port = await freePort();
    const site = writeFrontendNginx(dir, {
      template: FRONTEND_TEMPLATE,
      variables: { BACKEND_URL: options.backendUrl, NGINX_PORT: `127.0.0.1:${port}` },
      htmlDir: options.distDir,
      errorLog: `${dir}/error.log`,
      accessLog: `${dir}/access.log`
    });
    const child = await startProcess(
      NGINX,
      ['-e', `${dir}/error.log`, '-p', `${dir}/`, '-c', `${dir}/nginx.conf`],
      {
        name: 'nginx (frontend)',
        logFile: path.join(dir, 'error.log')
      }
    );
    const server: FrontendServer = {
      url: `http://127.0.0.1:${port}`,
      process: child,
      site,
      logTail: () => child.logTail(),
      stop: () => child.stop(5_000).finally(() => removeDir(dir))
    };
    try {
      await waitForHttp(`${server.url}/healthz`, 10_000, { process: child });
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  } catch (error) {
    removeDir(dir);
    throw error;
  }
}
