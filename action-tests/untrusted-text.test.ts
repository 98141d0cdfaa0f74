/**
 * Text from outside never commands the runner: the bundles run against a loopback service (and
 * migration files) whose strings carry workflow commands, and their logs are read the way the
 * runner's parser reads them. Only the commands the action means (annotations, debug lines,
 * masks of its own secrets) may appear.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHttpStub, type HttpStub } from './fakes/http-stub.ts';
import { runAction, runnerCommands, type ActionRun } from './run-action.ts';

const OWN_COMMANDS = ['error', 'warning', 'notice', 'debug'];
/** The token the runs get: the action masks it, its own secret input. */
const TOKEN = 'ghs_untrustedtexttoken';

/** Every command the runner would run from this log is one the action wrote itself. */
function expectNoInjectedCommand(run: ActionRun): void {
  const commands = runnerCommands(run.log).filter((command) => command.line !== `::add-mask::${TOKEN}`);
  expect(commands.filter((command) => !OWN_COMMANDS.includes(command.name))).toEqual([]);
  for (const command of commands) expect(command.line).toMatch(/^::[a-z]+( [^:]*)?::/);
}

describe('health-gate against a service whose answers carry commands', () => {
  let health: Record<string, unknown>;
  let ready: { status: number; body: Record<string, unknown> };
  let service: HttpStub;

  beforeAll(async () => {
    service = await startHttpStub((req) =>
      req.url === '/ready'
        ? { status: ready.status, body: JSON.stringify(ready.body) }
        : { status: 200, body: JSON.stringify(health) }
    );
  });
  afterAll(() => service?.close());

  const gate = (inputs: Record<string, string> = {}) =>
    runAction('health-gate', {
      inputs: {
        url: service.url,
        interval: '200ms',
        'start-period': '0s',
        retries: '1',
        'success-threshold': '1',
        deadline: '10s',
        'github-token': TOKEN,
        ...inputs
      }
    });

  it('a version with a new line: no command runs, the version output stays empty, and the log says why', async () => {
    health = { status: 'ok', version: '2.0.0\n::add-mask::x', git_sha: 'abc1234' };
    ready = { status: 200, body: { status: 'ok', checks: [] } };
    const run = await gate();
    expectNoInjectedCommand(run);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ healthy: 'true', version: '', 'git-sha': 'abc1234' });
    expect(run.log).toContain(
      '/health reports a version that is not one ("2.0.0\\\\n::add-mask::x"); expected letters, digits'
    );
  });

  it('a version with a carriage return fails the expected version, and later errors still show', async () => {
    health = { status: 'ok', version: '\r::stop-commands::tok', git_sha: '\n::add-mask::abc' };
    ready = { status: 200, body: { status: 'ok', checks: [] } };
    const run = await gate({ 'expected-version': '2.0.0', 'expected-sha': 'abc1234' });
    expectNoInjectedCommand(run);
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ healthy: 'false', version: '', 'git-sha': '' });
    const errors = run.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(
      /version: expected 2\.0\.0, but \/health reports a version that is not one \("\\\\r::stop-commands::tok"\)/
    );
  });

  it('readiness check names and errors with commands are shown as text', async () => {
    health = { status: 'ok', version: '2.0.0' };
    ready = {
      status: 503,
      body: {
        status: 'fail',
        checks: [{ name: 'db\n::add-mask::x', status: 'fail', error: 'down\r::stop-commands::t' }]
      }
    };
    const run = await gate();
    expectNoInjectedCommand(run);
    expect(run.exitCode).toBe(1);
    expect(JSON.parse(run.outputs['failed-checks']!)).toEqual(
      expect.arrayContaining([{ name: 'db\\n::add-mask::x', error: 'down\\r::stop-commands::t' }])
    );
  });
});

describe('migrate-dry-run on files whose names carry commands', () => {
  it('a pull request adding `002_x\\n::add-mask::z.sql` cannot command the runner', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'untrusted-sql-'));
    try {
      mkdirSync(path.join(dir, 'migrations'));
      writeFileSync(
        path.join(dir, 'migrations', '001_items.sql'),
        'CREATE TABLE items (id bigint PRIMARY KEY);\n'
      );
      writeFileSync(
        path.join(dir, 'migrations', '002_x\n::add-mask::z\r::stop-commands::tok.sql'),
        'ALTER TABLE items DROP COLUMN id;\n'
      );
      const run = await runAction('migrate-dry-run', {
        inputs: { 'working-directory': dir, 'sql-files': 'migrations/*.sql', 'fail-on': 'never' },
        env: { GITHUB_WORKSPACE: dir }
      });
      expectNoInjectedCommand(run);
      expect(run.exitCode).toBe(0);
      expect(run.log).toContain('migrations/002_x\\n::add-mask::z\\r::stop-commands::tok.sql: 1 statements');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
