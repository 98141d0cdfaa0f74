import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { parseDemoArgs, UsageError } from '../args.ts';
import { recapMarkdown } from '../recap.ts';

const cwd = path.resolve('/', 'work', 'here');

describe('parseDemoArgs', () => {
  it('defaults to the healthy canary and demo-summary.md in the current directory', () => {
    expect(parseDemoArgs([], cwd)).toEqual({
      badCanary: false,
      help: false,
      out: path.join(cwd, 'demo-summary.md')
    });
  });

  it.each<[string[], Partial<ReturnType<typeof parseDemoArgs>>]>([
    [['--bad-canary'], { badCanary: true }],
    [['--out', 'x/summary.md'], { out: path.join(cwd, 'x', 'summary.md') }],
    [['--out=abs.md'], { out: path.join(cwd, 'abs.md') }],
    [['--out', path.resolve('/', 'elsewhere.md')], { out: path.resolve('/', 'elsewhere.md') }],
    [['--help'], { help: true }],
    [['-h'], { help: true }],
    [['--skip-setup', '--bad-canary'], { badCanary: true }]
  ])('%j', (argv, expected) => {
    expect(parseDemoArgs(argv, cwd)).toMatchObject(expected);
  });

  it.each([
    [['--bad'], 'unknown argument "--bad"'],
    [['canary'], 'unknown argument "canary"'],
    [['--out'], '--out needs a file name'],
    [['--out', '--bad-canary'], '--out needs a file name'],
    [['--out='], '--out needs a file name']
  ])('rejects %j', (argv, message) => {
    expect(() => parseDemoArgs(argv, cwd)).toThrow(UsageError);
    expect(() => parseDemoArgs(argv, cwd)).toThrow(message);
  });
});

describe('recapMarkdown', () => {
  it('has a row per stage, pipes escaped', () => {
    expect(
      recapMarkdown([
        { number: 1, name: 'production', verdict: 'v1 live', asIntended: true, seconds: 6.04 },
        { number: 2, name: 'canary-step', verdict: 'a | b', asIntended: false, seconds: 12 }
      ])
    ).toBe(
      [
        '| stage | verdict | as intended | time |',
        '| --- | --- | :---: | ---: |',
        '| 1. production | v1 live | ✅ | 6.0 s |',
        '| 2. canary-step | a \\| b | ❌ | 12.0 s |'
      ].join('\n')
    );
  });
});
