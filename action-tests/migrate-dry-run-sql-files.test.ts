/**
 * migrate-dry-run in sql-files mode on real migrations (concourse and ory/kratos, copied from the
 * shared corpus) and on the SQL fixtures written for every rule family: the findings are written
 * down and checked, and compared rule by rule with squawk's on the same files.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MIGRATION_RULES, loadPgParser, readSqlStatements } from '../packages/core/src/sql/index.ts';
import { repoRoot, runAction, type ActionRun } from './run-action.ts';

const FIXTURES = path.join(repoRoot, 'action-tests', 'fixtures', 'migrate');
const SQUAWK = path.join(repoRoot, 'node_modules', '.bin', 'squawk');

/** Each run checks its files in order, so what one creates is known to the next. */
const SETS = [
  { directory: 'pg-migrations', globs: 'concourse/*.up.sql\nory-kratos/*.up.sql' },
  { directory: 'pg-migrations', globs: 'concourse/*.down.sql\nory-kratos/*.down.sql' },
  { directory: 'sql', globs: '*.sql' }
];

interface Finding {
  rule: string;
  severity: string;
  revision: string;
  file: string;
  line: number;
}

const runs: ActionRun[] = [];
const ours: Finding[] = [];

beforeAll(async () => {
  for (const set of SETS) {
    const run = await runAction('migrate-dry-run', {
      inputs: {
        'working-directory': path.join(FIXTURES, set.directory),
        'sql-files': set.globs,
        'pg-version': '16',
        'fail-on': 'never'
      },
      env: { GITHUB_WORKSPACE: repoRoot }
    });
    runs.push(run);
    const report = JSON.parse(run.outputs.report ?? '{}');
    for (const finding of report.findings as Finding[]) {
      ours.push({ ...finding, revision: `${set.directory}/${finding.revision}` });
    }
  }
});

/** The findings of one file, as `rule@line severity`, in line order. */
function listed(findings: Finding[], revision: string): string[] {
  return findings
    .filter((finding) => finding.revision === revision)
    .sort((a, b) => a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0))
    .map((finding) => `${finding.rule}@${finding.line} ${finding.severity}`);
}

describe('sql-files mode', () => {
  it('runs every set to completion and reports through the outputs', () => {
    for (const run of runs) {
      expect(run.exitCode).toBe(0);
      expect(run.outputs.roundtrip).toBe('skipped');
      expect(JSON.parse(run.outputs.report!).mode).toBe('sql-files');
    }
  });

  it('finds in the real migrations and the fixtures exactly what is written down', () => {
    const expected = JSON.parse(
      readFileSync(path.join(FIXTURES, 'sql-files.expected.json'), 'utf8')
    ) as Record<string, string[]>;
    const revisions = [
      ...new Set(
        runs.flatMap((run, index) =>
          JSON.parse(run.outputs.report!).units.map(
            (unit: { revision: string }) => `${SETS[index]!.directory}/${unit.revision}`
          )
        )
      )
    ];
    const actual = Object.fromEntries(revisions.sort().map((revision) => [revision, listed(ours, revision)]));
    expect(actual).toEqual(expected);
  });
});

interface SquawkFinding {
  file: string;
  line: number;
  rule_name: string;
}

/** Statement index of each line of a file (a line between statements belongs to the next one). */
async function statementLines(file: string): Promise<(line: number) => number> {
  const parser = await loadPgParser();
  const ranges: [number, number][] = [];
  for await (const statement of readSqlStatements([readFileSync(file)], parser)) {
    ranges.push([statement.line, statement.locate(statement.end).line]);
  }
  return (line) => {
    const index = ranges.findIndex(([, end]) => line <= end);
    return index < 0 ? ranges.length : index;
  };
}

interface RuleAgreement {
  agree: number;
  oursOnly: string[];
  squawkOnly: string[];
}

async function compareWithSquawk(): Promise<Record<string, RuleAgreement>> {
  const files = [...new Set(ours.map((finding) => finding.revision))];
  const allFiles = runs.flatMap((run, index) =>
    JSON.parse(run.outputs.report!).units.map(
      (unit: { revision: string }) => `${SETS[index]!.directory}/${unit.revision}`
    )
  );
  const result = spawnSync(SQUAWK, ['--reporter', 'json', '--pg-version', '16', ...allFiles], {
    cwd: FIXTURES,
    encoding: 'utf8'
  });
  const theirs = (JSON.parse(result.stdout) as SquawkFinding[]).map((finding) => ({
    file: finding.file,
    // squawk's json reporter counts lines from 0.
    line: finding.line + 1,
    rule: finding.rule_name
  }));
  const statementOf = new Map<string, (line: number) => number>();
  for (const file of new Set([...files, ...allFiles]))
    statementOf.set(file, await statementLines(path.join(FIXTURES, file)));
  const key = (file: string, line: number) => `${file}#${statementOf.get(file)!(line) + 1}`;
  const table: Record<string, RuleAgreement> = {};
  for (const rule of MIGRATION_RULES.filter((info) => info.squawk)) {
    // Statements, not findings: one tool may mark each column of a statement, the other the statement.
    const mine = new Set(
      ours.filter((finding) => finding.rule === rule.id).map((finding) => key(finding.revision, finding.line))
    );
    const other = new Set(
      theirs
        .filter((finding) => finding.rule === rule.squawk)
        .map((finding) => key(finding.file, finding.line))
    );
    table[rule.squawk!] = {
      agree: [...mine].filter((at) => other.has(at)).length,
      oursOnly: [...mine].filter((at) => !other.has(at)).sort(),
      squawkOnly: [...other].filter((at) => !mine.has(at)).sort()
    };
  }
  return table;
}

describe('agreement with squawk', () => {
  it('is what docs/migrate-rules.md explains, rule by rule', async () => {
    const table = await compareWithSquawk();
    const lines = Object.entries(table).map(
      ([rule, row]) =>
        `${rule.padEnd(46)} agree ${String(row.agree).padStart(3)}  ours only ${String(row.oursOnly.length).padStart(3)}  squawk only ${String(row.squawkOnly.length).padStart(3)}` +
        [
          ...row.oursOnly.map((at) => `\n    ours only:   ${at}`),
          ...row.squawkOnly.map((at) => `\n    squawk only: ${at}`)
        ].join('')
    );
    console.log(`migrate-dry-run against squawk (statement by statement)\n${lines.join('\n')}`);
    const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'squawk-agreement.expected.json'), 'utf8'));
    expect(table).toEqual(expected);
    // The docs explain every disagreement and give the totals.
    const docs = readFileSync(path.join(repoRoot, 'docs', 'migrate-rules.md'), 'utf8');
    const rows = Object.values(table);
    const sum = (count: (row: RuleAgreement) => number) => rows.reduce((total, row) => total + count(row), 0);
    expect(docs).toContain(
      `**${sum((row) => row.agree)} statements flagged by both, ${sum((row) => row.oursOnly.length)} by us only, ${sum((row) => row.squawkOnly.length)} by squawk only**, over ${rows.length} squawk rules.`
    );
    for (const [rule, row] of Object.entries(table)) {
      if (row.oursOnly.length + row.squawkOnly.length === 0) continue;
      expect(docs).toContain(
        `| \`${rule}\` | ${row.agree} | ${row.oursOnly.length} | ${row.squawkOnly.length} |`
      );
      for (const at of [...row.oursOnly, ...row.squawkOnly])
        expect([rule, docs.includes(at)]).toEqual([rule, true]);
    }
  });
});
