/**
 * The entry with a fake ActionContext and a scripted alembic driver: every contract output, the
 * annotations and the summary, and the step failing once through runAction.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAction } from '@deploy-actions/core/action';
import { ManualClock } from '@deploy-actions/core/clock';
import { type DriverOutput, type DriverTransport } from '@deploy-actions/core/migrate';
import { fakeContext } from '../../../packages/core/__tests__/fakes/fake-context.ts';
import { runWith } from '../src/main.ts';
import { actionYml, runnerInputs } from './action-yml.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'migrate-dry-run-main-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A project folder with an alembic.ini (the driver is scripted, so nothing else is read). */
function project(): string {
  const dir = mkdtempSync(path.join(root, 'project-'));
  writeFileSync(path.join(dir, 'alembic.ini'), '[alembic]\nscript_location = %(here)s\n');
  return dir;
}

class ScriptedDriver implements DriverTransport {
  readonly commands: string[] = [];
  constructor(private readonly answers: Record<string, unknown>) {}
  async call(request: Record<string, unknown>): Promise<DriverOutput> {
    this.commands.push(String(request.command));
    const answer = this.answers[String(request.command)];
    return {
      result: answer === undefined ? undefined : { ok: true, result: answer, ms: 1 },
      exitCode: 0,
      stderr: ''
    };
  }
}

describe('run', () => {
  it('sets every output of the contract, annotates and summarises (sql-files)', async () => {
    const dir = project();
    mkdirSync(path.join(dir, 'migrations'));
    writeFileSync(path.join(dir, 'migrations', '001.sql'), 'ALTER TABLE users DROP COLUMN legacy;\n');
    const fake = fakeContext(
      runnerInputs({ 'working-directory': dir, 'sql-files': 'migrations/*.sql', 'fail-on': 'never' })
    );
    await runWith(fake.context, {
      env: { GITHUB_WORKSPACE: root, RUNNER_TEMP: root },
      cwd: root,
      clock: new ManualClock()
    });

    expect(Object.keys(fake.outputs).sort()).toEqual(Object.keys(actionYml.outputs).sort());
    expect(fake.outputs.destructive).toBe('true');
    expect(fake.outputs.roundtrip).toBe('skipped');
    expect(readFileSync(fake.outputs['sql-file']!, 'utf8')).toContain(
      'ALTER TABLE users DROP COLUMN legacy;'
    );
    const findings = JSON.parse(fake.outputs.findings!) as { rule: string; file: string; line: number }[];
    expect(findings[0]).toMatchObject({
      rule: 'ban-drop-column',
      file: `${path.basename(dir)}/migrations/001.sql`,
      line: 1
    });
    expect(fake.annotations[0]).toMatchObject({
      level: 'error',
      properties: { title: 'migrate-dry-run: ban-drop-column (migrations/001.sql)', line: 1, col: 1 }
    });
    expect(fake.summaries[0]).toContain('## ✅ migrate-dry-run: passed');
    expect(JSON.parse(fake.outputs.report!).schema).toBe('migrate-dry-run/v1');
    expect(fake.failures).toEqual([]);
  });

  it('fails the step once, naming the worst findings, when fail-on is reached', async () => {
    const dir = project();
    writeFileSync(path.join(dir, '001.sql'), 'DROP TABLE users;\n');
    const fake = fakeContext(runnerInputs({ 'working-directory': dir, 'sql-files': '*.sql' }));
    await runAction(
      'migrate-dry-run',
      (context) => runWith(context, { env: { GITHUB_WORKSPACE: dir, RUNNER_TEMP: root }, cwd: root }),
      fake.context
    );
    expect(fake.failures).toEqual([
      {
        message:
          'migrate-dry-run failed: 1 error, 1 warning, 2 notices in 1 file; round trip skipped: ban-drop-table in 001.sql (001.sql:1)',
        properties: { title: 'migrate-dry-run' }
      }
    ]);
    expect(fake.outputs.report).toBeDefined();
  });

  it('checks the paths before running anything: a missing alembic.ini names alembic-config', async () => {
    const driver = new ScriptedDriver({});
    const fake = fakeContext(runnerInputs({ 'working-directory': root }));
    await runAction(
      'migrate-dry-run',
      (context) => runWith(context, { transport: driver, env: {}, cwd: root }),
      fake.context
    );
    expect(fake.failures[0]!.properties!.title).toBe('migrate-dry-run: invalid input `alembic-config`');
    expect(driver.commands).toEqual([]);
    expect(fake.outputs).toEqual({});
  });

  it.each([
    ['working-directory', { 'working-directory': 'no/such/dir' }],
    ['sql-files', { 'sql-files': 'nothing-matches/*.sql' }],
    ['allow-file', { 'sql-files': '*.sql', 'allow-file': 'missing.yml' }],
    ['allow-file', { 'sql-files': '*.sql', 'allow-file': 'allow.yml' }]
  ])('names %s when a path it gives is wrong (%j)', async (input, inputs) => {
    const dir = project();
    writeFileSync(path.join(dir, '001.sql'), 'SELECT 1;\n');
    writeFileSync(path.join(dir, 'allow.yml'), '- revision: 001.sql\n  rule: no-such-rule\n  reason: x\n');
    const fake = fakeContext(runnerInputs({ 'working-directory': dir, ...inputs }));
    await runAction('migrate-dry-run', (context) => runWith(context, { env: {}, cwd: dir }), fake.context);
    expect(fake.failures.map((failure) => failure.properties?.title)).toEqual([
      `migrate-dry-run: invalid input \`${input}\``
    ]);
  });

  it('runs alembic through the transport it is given, and masks database-url first', async () => {
    const dir = project();
    const driver = new ScriptedDriver({
      probe: { python: '3.11.2', executable: '/usr/bin/python3', alembic: '1.8.1', sqlalchemy: '1.4.46' },
      ping: { serverVersionNum: 150004, database: 'scratch' },
      current: { heads: [] },
      plan: { from: 'base', to: 'base', heads: [], revisions: [], history: [] },
      offline: { steps: [] }
    });
    const url = 'postgresql://deploy:pw-s3cret@127.0.0.1/scratch';
    const fake = fakeContext(runnerInputs({ 'working-directory': dir, 'database-url': url }));
    await runWith(fake.context, { transport: driver, env: { RUNNER_TEMP: root }, cwd: root });
    expect(fake.secrets).toEqual([url, 'pw-s3cret']);
    expect(driver.commands).toEqual(['probe', 'ping', 'current', 'plan']);
    expect(fake.outputs.roundtrip).toBe('skipped');
    expect(JSON.parse(fake.outputs.report!).roundtrip.reason).toBe(
      'No revision after base: nothing to rehearse.'
    );
  });
});
