import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createActionContext } from '../src/action/context.ts';
import { neutralise } from '../src/logger.ts';

// The context runs on the real @actions/core, which reads the runner's variables and writes to
// stdout: the tests set the variables and collect what reaches stdout.
const RUNNER_VARIABLES = [
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
  'STATE_weight',
  'INPUT_MAX-P99'
];
let saved: Record<string, string | undefined>;
let stdout: string[];

beforeEach(() => {
  saved = Object.fromEntries(RUNNER_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of RUNNER_VARIABLES) delete process.env[name];
  stdout = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  jest.restoreAllMocks();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  process.exitCode = undefined;
});

const logLines = () => stdout.join('').split(os.EOL).slice(0, -1);

describe('action context on @actions/core', () => {
  it('masks, redacts and appends outputs, state and summary to the runner files', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'runner-'));
    try {
      const files = {
        GITHUB_OUTPUT: path.join(dir, 'out'),
        GITHUB_STATE: path.join(dir, 'state'),
        GITHUB_STEP_SUMMARY: path.join(dir, 'summary')
      };
      for (const [name, file] of Object.entries(files)) {
        writeFileSync(file, '');
        process.env[name] = file;
      }
      process.env.STATE_weight = '10';
      process.env['INPUT_MAX-P99'] = ' 300ms ';
      const context = createActionContext();
      expect(context.getInput('max-p99')).toBe('300ms');
      expect(context.getInput('absent')).toBe('');
      context.setSecret('hunter2-secret\nsecond-line');
      context.setOutput('token', 'value hunter2-secret\nsecond-line');
      context.saveState('weight', '50');
      context.logger.info('using hunter2-secret');
      context.annotate('error', 'failed with hunter2-secret', { title: 'x: y', line: 3 });
      await context.writeSummary('# hunter2-secret');
      expect(logLines()).toEqual([
        '::add-mask::hunter2-secret',
        '::add-mask::second-line',
        'using ***',
        '::error title=x%3A y,line=3::failed with ***'
      ]);
      expect(readFileSync(files.GITHUB_OUTPUT, 'utf8')).toMatch(
        /^token<<(ghadelimiter_\S+)\nvalue \*\*\*\n\1\n$/
      );
      expect(readFileSync(files.GITHUB_STATE, 'utf8')).toMatch(/^weight<<(ghadelimiter_\S+)\n50\n\1\n$/);
      expect(readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')).toBe('# ***\n');
      expect(context.getState('weight')).toBe('10');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails the step with one titled annotation per call, redacted', () => {
    const context = createActionContext();
    context.setSecret('s3cr3t-value');
    context.fail('50% of s3cr3t-value\nnext', { title: 'rollback: configuration' });
    expect(logLines()).toEqual([
      '::add-mask::s3cr3t-value',
      '::error title=rollback%3A configuration::50%25 of ***%0Anext'
    ]);
    expect(process.exitCode).toBe(1);
  });

  it.each([
    ['a version with a line break', 'version 2.0.0\n::add-mask::x', ['version 2.0.0', ': :add-mask::x']],
    ['a carriage return', 'ok\r::stop-commands::tok', ['ok', ': :stop-commands::tok']],
    ['CR LF, indented', 'a\r\n   ::error::fake', ['a', '   : :error::fake']],
    ['the legacy form anywhere', 'name ##[add-mask]x', ['name # #[add-mask]x']],
    ['escape sequences', 'red \u001b[31mtext\u0085', ['red \\u001b[31mtext\\u0085']],
    ['a Unicode line separator', 'a\u2028::warning::b', ['a\\u2028::warning::b']]
  ])('never lets a plain log line be read as a command: %s', (_name, message, expected) => {
    createActionContext().logger.info(message);
    expect(logLines()).toEqual(expected);
    for (const line of stdout.join('').split(/\r\n|\r|\n/)) {
      expect(line).not.toMatch(/^\s*::/);
      expect(line).not.toContain('##[');
    }
  });

  it('neutralises a single-line value for a message', () => {
    expect(neutralise('2.0.0\n::add-mask::x')).toBe('2.0.0\\n::add-mask::x');
    expect(neutralise('::stop-commands::tok')).toBe(': :stop-commands::tok');
    expect(neutralise('db\tcheck ##[error]')).toBe('db\tcheck # #[error]');
    expect(neutralise('plain 1.4.0-rc.1+build')).toBe('plain 1.4.0-rc.1+build');
  });

  it('prints the summary to the log outside a runner', async () => {
    await createActionContext().writeSummary('## done\n::error::x');
    expect(logLines()).toContain('## done');
    expect(logLines()).toContain(': :error::x');
  });
});
