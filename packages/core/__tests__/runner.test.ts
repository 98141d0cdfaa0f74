import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunnerChannel, formatCommand, formatFileEntry, readInput } from '../src/action/runner.ts';
import { createActionContext } from '../src/action/context.ts';
import { neutralise } from '../src/logger.ts';

describe('runner commands', () => {
  it.each([
    ['error', 'plain', {}, '::error::plain'],
    ['error', '50% done\nnext line\r', {}, '::error::50%25 done%0Anext line%0D'],
    [
      'warning',
      'm',
      { title: 'a: b, c', file: 'x.py', line: 3 },
      '::warning title=a%3A b%2C c,file=x.py,line=3::m'
    ],
    ['notice', 'm', { title: '', line: undefined }, '::notice::m']
  ])('formats %s %p', (name, message, properties, expected) => {
    expect(formatCommand(name, message, properties)).toBe(expected);
  });

  it('writes heredoc entries whose delimiter is not in the value', () => {
    const entry = formatFileEntry('report', '{"a":1}\nsecond line');
    const [first, ...rest] = entry.split('\n');
    const delimiter = first!.slice('report<<'.length);
    expect(delimiter).toMatch(/^ghadelimiter_[0-9a-f-]{36}$/);
    expect(rest).toEqual(['{"a":1}', 'second line', delimiter, '']);
  });

  it('reads inputs the way the runner names them', () => {
    const env = { 'INPUT_MAX-P99': ' 300ms ', INPUT_MY_INPUT: 'x' };
    expect(readInput('max-p99', env)).toBe('300ms');
    expect(readInput('my input', env)).toBe('x');
    expect(readInput('absent', env)).toBe('');
  });
});

describe('action context on the runner protocol', () => {
  it('masks, redacts and appends outputs, state and summary to the runner files', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'runner-'));
    try {
      const env = {
        GITHUB_OUTPUT: path.join(dir, 'out'),
        GITHUB_STATE: path.join(dir, 'state'),
        GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
        STATE_weight: '10'
      };
      for (const file of [env.GITHUB_OUTPUT, env.GITHUB_STATE, env.GITHUB_STEP_SUMMARY])
        writeFileSync(file, '');
      const log: string[] = [];
      const context = createActionContext(env, new RunnerChannel(env, (line) => log.push(line)));
      context.setSecret('hunter2-secret\nsecond-line');
      context.setOutput('token', 'value hunter2-secret\nsecond-line');
      context.saveState('weight', '50');
      context.logger.info('using hunter2-secret');
      context.annotate('error', 'failed with hunter2-secret', { title: 'x' });
      await context.writeSummary('# hunter2-secret');
      expect(log).toEqual([
        '::add-mask::hunter2-secret',
        '::add-mask::second-line',
        'using hunter2-secret'.replace('hunter2-secret', '***'),
        '::error title=x::failed with ***'
      ]);
      expect(readFileSync(env.GITHUB_OUTPUT, 'utf8')).toMatch(
        /^token<<(ghadelimiter_\S+)\nvalue \*\*\*\n\1\n$/
      );
      expect(readFileSync(env.GITHUB_STATE, 'utf8')).toMatch(/^weight<<(ghadelimiter_\S+)\n50\n\1\n$/);
      expect(readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toBe('# ***\n');
      expect(context.getState('weight')).toBe('10');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['a version with a line break', 'version 2.0.0\n::add-mask::x', ['version 2.0.0', ': :add-mask::x']],
    ['a carriage return', 'ok\r::stop-commands::tok', ['ok', ': :stop-commands::tok']],
    ['CR LF, indented', 'a\r\n   ::error::fake', ['a', '   : :error::fake']],
    ['the legacy form anywhere', 'name ##[add-mask]x', ['name # #[add-mask]x']],
    ['escape sequences', 'red \u001b[31mtext\u0085', ['red \\u001b[31mtext\\u0085']],
    ['a Unicode line separator', 'a\u2028::warning::b', ['a\\u2028::warning::b']]
  ])('never lets a plain log line be read as a command: %s', (_name, message, expected) => {
    const log: string[] = [];
    const context = createActionContext({}, new RunnerChannel({}, (line) => log.push(line)));
    context.logger.info(message);
    expect(log.join('\n').split('\n')).toEqual(expected);
    for (const line of log.join('\n').split(/\r\n|\r|\n/)) {
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
    const log: string[] = [];
    const context = createActionContext({}, new RunnerChannel({}, (line) => log.push(line)));
    await context.writeSummary('## done');
    expect(log.join('\n')).toContain('## done');
  });
});
