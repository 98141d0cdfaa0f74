import { describe, expect, it } from '@jest/globals';
import { allowanceFor, parseAllowFile } from '../../src/migrate/allow.ts';

describe('parseAllowFile', () => {
  it('reads entries with their lines', () => {
    const text =
      '# reviewed\n- revision: "0004"\n  rule: ban-drop-column\n  reason: the column was unused since 1.3\n';
    expect(parseAllowFile(text)).toEqual({
      entries: [
        { revision: '0004', rule: 'ban-drop-column', reason: 'the column was unused since 1.3', line: 2 }
      ],
      problems: []
    });
  });

  it('accepts an empty file', () => {
    expect(parseAllowFile('# nothing allowed yet\n')).toEqual({ entries: [], problems: [] });
  });

  it.each([
    ['not YAML', '- revision: [unclosed', /line 1: not valid YAML/],
    ['not a list', 'revision: a\nrule: ban-drop-table\nreason: x', /expected a YAML list/],
    [
      'a missing reason',
      '- revision: a\n  rule: ban-drop-table',
      /entry 1 \(line 1\): reason is missing or empty/
    ],
    ['an unknown rule', '- revision: a\n  rule: no-such-rule\n  reason: x', /no-such-rule is not a rule id/],
    [
      'a number for a revision',
      '- revision: 0004\n  rule: ban-drop-table\n  reason: x',
      /revision 4 is a number; quote it/
    ],
    [
      'an unknown key',
      '- revision: a\n  rule: ban-drop-table\n  reason: x\n  expires: 2026-01-01',
      /unknown key expires/
    ],
    ['a scalar entry', '- ban-drop-table', /entry 1 \(line 1\): expected \{revision, rule, reason\}/]
  ])('reports %s', (_name, text, problem) => {
    const result = parseAllowFile(text);
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.problems.join('\n')).toMatch(problem);
  });
});

describe('allowanceFor', () => {
  const entries = [{ revision: 'r2', rule: 'ban-drop-column', reason: 'unused since 1.3', line: 1 }];
  it.each([
    [{ rule: 'ban-drop-column', revision: 'r2' }, [], { reason: 'unused since 1.3', by: 'allow-file' }],
    [{ rule: 'ban-drop-column', revision: 'r3' }, [], undefined],
    [
      { rule: 'ban-drop-column', revision: 'r3' },
      ['ban-drop-column'],
      { reason: 'rule ban-drop-column is in the allow input', by: 'allow' }
    ],
    [{ rule: 'ban-drop-table', revision: 'r2' }, ['ban-drop-column'], undefined]
  ])('%j with allow %j', (finding, allow, expected) => {
    expect(allowanceFor(finding, new Set(allow), entries).allowance).toEqual(expected);
  });
});
