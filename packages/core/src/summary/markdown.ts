/**
 * Small pure Markdown builders for job summaries. Renderers compose strings from these, so a
 * summary is a function of a report and is tested with snapshots.
 */

/** Escapes the characters GitHub would read as HTML in Markdown: `&`, `<`, `>`. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes text for a table cell: pipes, new lines and HTML-significant characters. */
export function cell(text: string | number | undefined): string {
  if (text === undefined || text === '') return '–';
  return escapeHtml(String(text)).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A GitHub-flavoured table; cells are escaped unless already built with `raw()`. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly (string | number | undefined | Raw)[])[]
): string {
  const render = (value: string | number | undefined | Raw) =>
    value instanceof Raw ? value.text : cell(value);
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(render).join(' | ')} |`)
  ].join('\n');
}

/** Marks Markdown that must go into a table cell as is (links, code). */
export class Raw {
  constructor(readonly text: string) {}
}
export const raw = (text: string) => new Raw(text);

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text.replace(/\|/g, '\\|')}${fence}`;
}

/** A collapsed section. */
export function details(summaryText: string, body: string): string {
  return `<details><summary>${cell(summaryText)}</summary>\n\n${body}\n\n</details>`;
}

/** A fenced block. */
export function codeBlock(text: string, language = ''): string {
  const fence = text.includes('```') ? '````' : '```';
  return `${fence}${language}\n${text}\n${fence}`;
}

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** A one-line chart of values (e.g. latencies over time); `·` marks a missing value. */
export function sparkline(values: readonly (number | undefined)[]): string {
  const present = values.filter((v): v is number => v !== undefined);
  if (present.length === 0) return '';
  const min = Math.min(...present);
  const span = Math.max(...present) - min || 1;
  return values
    .map((v) =>
      v === undefined
        ? '·'
        : BLOCKS[Math.min(BLOCKS.length - 1, Math.floor(((v - min) / span) * BLOCKS.length))]
    )
    .join('');
}

/** A horizontal bar of `width` characters for `value` out of `max`, for tables of numbers. */
export function bar(value: number, max: number, width = 20): string {
  const filled = max > 0 ? Math.round((Math.min(value, max) / max) * width) : 0;
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** Milliseconds for people: `8.5 ms`, `12 ms`, `1.30 s`. */
export function ms(value: number | undefined): string {
  if (value === undefined) return '–';
  return value < 1000
    ? `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`
    : `${(value / 1000).toFixed(2)} s`;
}
