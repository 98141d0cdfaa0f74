import { describe, expect, it } from '@jest/globals';
import {
  displayWidth,
  renderInline,
  renderMarkdownForTerminal,
  shouldUseColor,
  splitTableRow,
  truncateToWidth,
  wrapText
} from '../terminal-markdown.ts';

const plain = { color: false };
const ESC = '\u001b';

describe('shouldUseColor', () => {
  it.each<[boolean | undefined, Record<string, string | undefined>, boolean]>([
    [true, {}, true],
    [false, {}, false],
    [undefined, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true]
  ])('isTTY %p with %j: %p', (isTTY, env, expected) => {
    expect(shouldUseColor(isTTY, env)).toBe(expected);
  });
});

describe('displayWidth', () => {
  it.each([
    ['plain', 5],
    ['✅ ok', 5],
    ['⚠️', 2],
    ['⚠', 1],
    ['日本', 4],
    ['é', 1],
    ['👩‍💻', 2],
    ['▁▂█ ·', 5],
    [`${ESC}[1mbold${ESC}[22m`, 4]
  ])('%j takes %i columns', (text, width) => {
    expect(displayWidth(text)).toBe(width);
  });
});

describe('renderInline', () => {
  it.each([
    ['**bold** and *it* and __b__ and _i_', 'bold and it and b and i'],
    ['snake_case_name and 2*3*4', 'snake_case_name and 2*3*4'],
    ['`a|b` and `` x`y ``', '`a|b` and `x`y`'],
    ['[docs](https://example.com/a)', 'docs (https://example.com/a)'],
    ['[https://x.io](https://x.io)', 'https://x.io'],
    ['![chart](c.png)', '[image: chart] (c.png)'],
    ['<https://x.io/y>', 'https://x.io/y'],
    ['a &amp; b &lt;c&gt; &#x2713; &#42;', 'a & b <c> ✓ *'],
    ['escaped \\| pipe and \\*star\\*', 'escaped | pipe and *star*'],
    ['one<br>two<br/>three', 'one\ntwo\nthree'],
    ['<sub>small</sub> <b>big</b> <span title="x">kept</span>', 'small big kept'],
    ['before <!-- hidden --> after', 'before  after'],
    ['~~gone~~', 'gone'],
    ['`&lt;b&gt;` stays code', '`<b>` stays code']
  ])('%j -> %j', (markdown, expected) => {
    expect(renderInline(markdown, plain)).toBe(expected);
  });

  it('styles with ANSI when colour is on', () => {
    expect(renderInline('**b** `c` [t](u)', { color: true })).toBe(
      `${ESC}[1mb${ESC}[22m ${ESC}[36mc${ESC}[39m t (${ESC}[4mu${ESC}[24m)`
    );
  });
});

describe('splitTableRow', () => {
  it('splits on pipes outside escapes and code spans', () => {
    expect(splitTableRow('| a | b \\| c | `x|y` |')).toEqual(['a', 'b \\| c', '`x|y`']);
    expect(splitTableRow('a | b')).toEqual(['a', 'b']);
  });
});

describe('wrapText', () => {
  it('wraps at spaces and cuts words longer than the width', () => {
    expect(wrapText('the quick brown fox', 10)).toEqual(['the quick', 'brown fox']);
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapText('short', 10)).toEqual(['short']);
  });
});

describe('truncateToWidth', () => {
  it('cuts with an ellipsis, counting wide characters', () => {
    expect(truncateToWidth('short', 10)).toBe('short');
    expect(truncateToWidth('0123456789ab', 10)).toBe('012345678…');
    expect(truncateToWidth('✅✅✅✅✅✅', 7)).toBe('✅✅✅…');
  });
});

describe('renderMarkdownForTerminal', () => {
  it('renders a job summary without colour', () => {
    const markdown = [
      '<!-- summary marker -->',
      '## ✅ canary-step: promote at 100%',
      '',
      '| weight | result | requests |',
      '| --- | :---: | ---: |',
      '| 10% | ✅ promote | 18 |',
      '| 100% | 🟡 held<br>twice | 180 |',
      '',
      '<details><summary>All 3 probes</summary>',
      '',
      '- item *one*',
      '  - nested',
      '- [x] done',
      '1. first',
      '',
      '</details>',
      '',
      '```sql',
      'SELECT 1;',
      '```',
      '',
      '> [!WARNING]',
      '> careful',
      '',
      '---'
    ].join('\n');
    expect(renderMarkdownForTerminal(markdown, plain)).toBe(
      [
        '✅ canary-step: promote at 100%',
        '───────────────────────────────',
        '',
        '  weight │   result   │ requests',
        '  ───────┼────────────┼─────────',
        '  10%    │ ✅ promote │       18',
        '  100%   │  🟡 held   │      180',
        '         │   twice    │',
        '',
        '▸ All 3 probes',
        '',
        '  • item one',
        '    ◦ nested',
        '  ☑ done',
        '  1. first',
        '',
        '    ┌ sql',
        '    SELECT 1;',
        '',
        '│ WARNING',
        '│ careful',
        '',
        '────────────────────────────────────────'
      ].join('\n')
    );
  });

  it('underlines headings by level without colour, and bolds and underlines them with colour', () => {
    expect(renderMarkdownForTerminal('# Title\n### Sub\n#### Deep', plain)).toBe(
      'Title\n═════\nSub\n┄┄┄\nDeep'
    );
    expect(renderMarkdownForTerminal('## Title', { color: true })).toBe(
      `${ESC}[4m${ESC}[1mTitle${ESC}[22m${ESC}[24m`
    );
  });

  it('draws a Mermaid xychart as text bars, and shows other diagrams as code', () => {
    const chart = [
      '```mermaid',
      'xychart-beta',
      '  title "Error rate (%): bars canary, line baseline"',
      '  x-axis ["10%#1", "10%#2"]',
      '  y-axis "errors (%)" 0 --> 40',
      '  bar [0, 33.3]',
      '  line [0, 0]',
      '```'
    ].join('\n');
    expect(renderMarkdownForTerminal(chart, plain).split('\n')).toEqual([
      '    📊 Error rate (%): bars canary, line baseline',
      '    10%#1 │                           0  (line: 0)',
      '    10%#2 │███████████████████████ 33.3  (line: 0)',
      '    █ bar series, │ line series (the title names them)'
    ]);
    expect(renderMarkdownForTerminal('```mermaid\ngraph TD\n  A-->B\n```', plain)).toBe(
      '    ┌ mermaid\n    graph TD\n      A-->B'
    );
  });

  it('wraps a table wider than the width, keeping styles inside their cells', () => {
    const markdown = '| k | v |\n| --- | --- |\n| a | the quick brown fox jumps over the lazy dog |';
    expect(renderMarkdownForTerminal(markdown, { color: false, width: 30 })).toBe(
      [
        '  k │ v',
        '  ──┼─────────────────────────',
        '  a │ the quick brown fox',
        '    │ jumps over the lazy dog'
      ].join('\n')
    );
    const styled = renderMarkdownForTerminal('| v |\n| --- |\n| **one two three four five six** |', {
      color: true,
      width: 16
    });
    for (const line of styled.split('\n').slice(2)) {
      expect(line).toMatch(new RegExp(`^  ${ESC.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}\\[1m`));
    }
  });

  it('wraps long headers over short cells before squeezing the cells', () => {
    const markdown = [
      '| requests canary / baseline | result |',
      '| --- | --- |',
      '| 18 / 162 | sequential test: the canary is clearly worse than the baseline |'
    ].join('\n');
    expect(renderMarkdownForTerminal(markdown, { color: false, width: 50 })).toBe(
      [
        '  requests │ result',
        '  canary / │',
        '  baseline │',
        '  ─────────┼──────────────────────────────────────',
        '  18 / 162 │ sequential test: the canary is',
        '           │ clearly worse than the baseline'
      ].join('\n')
    );
  });

  it('drops multi-line HTML comments and collapses the blank lines left behind', () => {
    expect(renderMarkdownForTerminal('a\n\n<!--\nhidden\n-->\n\n\nb', plain)).toBe('a\n\nb');
  });
});
