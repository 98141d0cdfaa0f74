import { describe, expect, it } from '@jest/globals';
import { bar, cell, code, codeBlock, details, ms, raw, sparkline, table } from '../src/summary/markdown.ts';

describe('cell', () => {
  it.each([
    ['plain', 'plain'],
    ['a|b', 'a\\|b'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['a & b', 'a &amp; b'],
    ['&lt;', '&amp;lt;'],
    ['line 1\nline 2', 'line 1<br>line 2'],
    ['crlf\r\nend', 'crlf<br>end'],
    ['x | <y>\nz', 'x \\| &lt;y&gt;<br>z'],
    [42, '42'],
    [0, '0'],
    ['', '–'],
    [undefined, '–']
  ])('escapes %j as %j', (text, expected) => {
    expect(cell(text)).toBe(expected);
  });
});

describe('table', () => {
  it('renders a header, a separator and escaped rows', () => {
    expect(
      table(
        ['name', 'value'],
        [
          ['a|b', 1],
          [undefined, '<b>'],
          [raw('`x|y`'), raw('**bold**')]
        ]
      )
    ).toBe(
      [
        '| name | value |',
        '| --- | --- |',
        '| a\\|b | 1 |',
        '| – | &lt;b&gt; |',
        '| `x|y` | **bold** |'
      ].join('\n')
    );
  });

  it('renders only the header with no rows', () => {
    expect(table(['a'], [])).toBe('| a |\n| --- |');
  });
});

describe('code', () => {
  it.each([
    ['https://x.example', '`https://x.example`'],
    ['a`b', '``a`b``'],
    ['a|b', '`a\\|b`']
  ])('wraps %j as %j', (text, expected) => {
    expect(code(text)).toBe(expected);
  });
});

describe('details and codeBlock', () => {
  it('details escapes the summary but not the body', () => {
    expect(details('All <3> probes', '| a |')).toBe(
      '<details><summary>All &lt;3&gt; probes</summary>\n\n| a |\n\n</details>'
    );
  });

  it('codeBlock uses a longer fence when the text has one', () => {
    expect(codeBlock('SELECT 1;', 'sql')).toBe('```sql\nSELECT 1;\n```');
    expect(codeBlock('```\nx\n```')).toBe('````\n```\nx\n```\n````');
  });
});

describe('sparkline', () => {
  it.each([
    [[], ''],
    [[undefined], ''],
    [[1, 2, 3, 4, 5, 6, 7, 8], '▁▂▃▄▅▆▇█'],
    [[0, 100], '▁█'],
    [[5, 5, 5], '▁▁▁'],
    [[10, undefined, 20], '▁·█'],
    [[100, 0, 50], '█▁▅'],
    [[0, 1000, 10, 10], '▁█▁▁']
  ])('of %j is %j', (values, expected) => {
    expect(sparkline(values)).toBe(expected);
  });

  it('has one character per value', () => {
    const values = Array.from({ length: 37 }, (_, i) => (i * 7919) % 113);
    expect([...sparkline(values)]).toHaveLength(37);
  });
});

describe('bar', () => {
  it.each([
    [5, 10, 10, '█████░░░░░'],
    [0, 10, 4, '░░░░'],
    [10, 10, 4, '████'],
    [25, 10, 4, '████'],
    [1, 0, 3, '░░░'],
    [1, 3, 6, '██░░░░']
  ])('bar(%d, %d, %d) is %j', (value, max, width, expected) => {
    expect(bar(value, max, width)).toBe(expected);
  });

  it('is 20 characters wide by default', () => {
    expect(bar(1, 2)).toBe('█'.repeat(10) + '░'.repeat(10));
  });
});

describe('ms', () => {
  it.each([
    [undefined, '–'],
    [0, '0.0 ms'],
    [4.26, '4.3 ms'],
    [9.94, '9.9 ms'],
    [12.4, '12 ms'],
    [499.5, '500 ms'],
    [1000, '1.00 s'],
    [1300, '1.30 s'],
    [12_345, '12.35 s']
  ])('formats %p as %j', (value, expected) => {
    expect(ms(value)).toBe(expected);
  });
});
