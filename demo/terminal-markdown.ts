/**
 * Renders the GitHub-flavoured Markdown of a job summary for a terminal: headings, aligned tables,
 * indented code blocks, flattened <details>, links as "text (url)", inline emphasis and code.
 * Pure: Markdown in, text out. ANSI styles only when `color` is true (see `shouldUseColor`).
 */

export interface TerminalOptions {
  /** ANSI styles (bold, underline, dim, colours); false gives plain text. */
  color: boolean;
  /** Tables wider than this many columns wrap their widest cells (default: no limit). */
  width?: number;
}

/**
 * Whether to colour the output: only on a terminal, and never when NO_COLOR is set to a non-empty
 * value (https://no-color.org).
 */
export function shouldUseColor(isTTY: boolean | undefined, env: Record<string, string | undefined>): boolean {
  return isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

const ANSI = {
  bold: ['\u001b[1m', '\u001b[22m'],
  dim: ['\u001b[2m', '\u001b[22m'],
  italic: ['\u001b[3m', '\u001b[23m'],
  underline: ['\u001b[4m', '\u001b[24m'],
  strike: ['\u001b[9m', '\u001b[29m'],
  cyan: ['\u001b[36m', '\u001b[39m']
} as const;

type Style = keyof typeof ANSI;

function styler(color: boolean) {
  return (text: string, ...styles: Style[]): string =>
    color && text !== ''
      ? styles.reduce((inner, style) => `${ANSI[style][0]}${inner}${ANSI[style][1]}`, text)
      : text;
}

// ---- widths ----------------------------------------------------------------------------------

// eslint-disable-next-line no-control-regex -- ANSI style sequences start with ESC
const ANSI_SEQUENCE = /\u001b\[[0-9;]*m/g;
const COMBINING = /^[\p{Mn}\p{Me}]$/u;

/** Characters that take no column: combining marks, zero-width spaces and joiners, variation selectors, tags. */
function isZeroWidth(character: string): boolean {
  const code = character.codePointAt(0)!;
  return (
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0xfe00 && code <= 0xfe0f) ||
    (code >= 0xe0020 && code <= 0xe007f) ||
    COMBINING.test(character)
  );
}
const EMOJI_PRESENTATION = /\p{Emoji_Presentation}/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;

/** East Asian wide and full-width ranges (roughly: CJK, Hangul, full-width forms). */
function isWideCodePoint(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/**
 * Columns a string takes in a terminal, roughly: ANSI styles and combining marks take none, emoji
 * and East Asian wide characters two (a text-style pictograph made emoji by U+FE0F too), the rest one.
 */
export function displayWidth(text: string): number {
  const characters = [...text.replace(ANSI_SEQUENCE, '')];
  let width = 0;
  for (let i = 0; i < characters.length; i++) {
    const character = characters[i]!;
    if (character === '\u200d') {
      i++; // a zero-width joiner glues the next pictograph into the one before
      continue;
    }
    if (isZeroWidth(character)) continue;
    const code = character.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue;
    const emoji =
      EMOJI_PRESENTATION.test(character) || (PICTOGRAPHIC.test(character) && characters[i + 1] === '\ufe0f');
    width += emoji || isWideCodePoint(code) ? 2 : 1;
  }
  return width;
}

/** Plain text cut to `width` columns, with an ellipsis when something was cut. */
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let kept = '';
  for (const character of text) {
    if (displayWidth(kept + character) > width - 1) break;
    kept += character;
  }
  return `${kept}…`;
}

function pad(text: string, width: number, align: Alignment): string {
  const space = Math.max(0, width - displayWidth(text));
  if (align === 'right') return ' '.repeat(space) + text;
  if (align === 'center') {
    const left = Math.floor(space / 2);
    return ' '.repeat(left) + text + ' '.repeat(space - left);
  }
  return text + ' '.repeat(space);
}

// ---- inline ----------------------------------------------------------------------------------

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  middot: '·',
  times: '×',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  rarr: '→',
  larr: '←',
  check: '✓'
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Placeholders keep finished pieces (code spans, escaped characters) away from later rules. */
const SLOT = (index: number) => `\ue000${index}\ue001`;
const SLOT_PATTERN = /\ue000(\d+)\ue001/g;

/**
 * One line (or table cell) of Markdown to terminal text. `<br>` becomes a new line, so the result
 * can have several lines.
 */
export function renderInline(markdown: string, options: TerminalOptions): string {
  const style = styler(options.color);
  const slots: string[] = [];
  const keep = (text: string) => {
    slots.push(text);
    return SLOT(slots.length - 1);
  };

  let text = markdown
    // Code spans first: nothing inside them is Markdown. `` `a` `` style fences of any length.
    .replace(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, (_whole, _fence: string, body: string) => {
      const inner = decodeEntities(body.replace(/\\\|/g, '|'));
      const trimmed = /^ .* $/.test(inner) && inner.trim() !== '' ? inner.slice(1, -1) : inner;
      return keep(options.color ? style(trimmed, 'cyan') : `\`${trimmed}\``);
    })
    // Backslash escapes of ASCII punctuation.
    .replace(/\\([!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~])/g, (_whole, character: string) => keep(character))
    // HTML comments vanish.
    .replace(/<!--[\s\S]*?-->/g, '');

  text = text
    // Images, then links: the text, and the address when it says something the text does not.
    .replace(/!\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_whole, alt: string, url: string) =>
      keep(`[image${alt ? `: ${alt}` : ''}] (${url})`)
    )
    .replace(/\[([^\]]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_whole, label: string, url: string) => {
      const shown = renderInline(label, options);
      return keep(label === url ? style(url, 'underline') : `${shown} (${style(url, 'underline')})`);
    })
    .replace(/<((?:https?|mailto):[^>\s]+)>/g, (_whole, url: string) => keep(style(url, 'underline')))
    // HTML that job summaries use: line breaks, sub/sup, b/strong, i/em, code, kbd; others dropped.
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<(b|strong)>([\s\S]*?)<\/\1>/gi, (_whole, _tag, body: string) => style(body, 'bold'))
    .replace(/<(i|em)>([\s\S]*?)<\/\1>/gi, (_whole, _tag, body: string) => style(body, 'italic'))
    .replace(/<(code|kbd|samp)>([\s\S]*?)<\/\1>/gi, (_whole, _tag, body: string) =>
      keep(options.color ? style(decodeEntities(body), 'cyan') : `\`${decodeEntities(body)}\``)
    )
    .replace(/<(sub|sup|small)>([\s\S]*?)<\/\1>/gi, (_whole, _tag, body: string) => style(body, 'dim'))
    .replace(/<summary>([\s\S]*?)<\/summary>/gi, (_whole, body: string) => style(`▸ ${body}`, 'bold'))
    .replace(/<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/gi, '')
    // Emphasis: strong before em; `_` only at word boundaries, so snake_case stays intact.
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, (_whole, body: string) => style(body, 'bold'))
    .replace(
      /(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g,
      (_whole, before: string, body: string) => `${before}${style(body, 'bold')}`
    )
    .replace(
      /(^|[^*\w])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?!\*)/g,
      (_whole, before: string, body: string) => `${before}${style(body, 'italic')}`
    )
    .replace(
      /(^|[^\w])_(?=[^\s_])([^_\n]*?[^\s_])_(?!\w)/g,
      (_whole, before: string, body: string) => `${before}${style(body, 'italic')}`
    )
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, (_whole, body: string) => style(body, 'strike'));

  return decodeEntities(text).replace(SLOT_PATTERN, (_whole, index: string) => slots[Number(index)]!);
}

// ---- blocks ----------------------------------------------------------------------------------

type Alignment = 'left' | 'right' | 'center';

/** Cells of a table row: split on pipes that are neither escaped nor inside a code span. */
export function splitTableRow(line: string): string[] {
  let body = line.trim();
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|') && !body.endsWith('\\|')) body = body.slice(0, -1);
  const cells: string[] = [];
  let current = '';
  let fence = 0;
  for (let i = 0; i < body.length; i++) {
    const character = body[i]!;
    if (character === '\\' && body[i + 1] === '|') {
      current += '\\|';
      i++;
    } else if (character === '`') {
      let run = 1;
      while (body[i + run] === '`') run++;
      fence = fence === 0 ? run : fence === run ? 0 : fence;
      current += '`'.repeat(run);
      i += run - 1;
    } else if (character === '|' && fence === 0) {
      cells.push(current.trim());
      current = '';
    } else {
      current += character;
    }
  }
  cells.push(current.trim());
  return cells;
}

const DELIMITER_ROW = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

function alignments(delimiter: string): Alignment[] {
  return splitTableRow(delimiter).map((cell) =>
    cell.startsWith(':') && cell.endsWith(':') ? 'center' : cell.endsWith(':') ? 'right' : 'left'
  );
}

/** Narrowest a column gets when a table is squeezed to the width. */
const MIN_COLUMN_WIDTH = 12;

/** Splits text into pieces of at most `width` columns, at spaces where it can. */
export function wrapText(text: string, width: number): string[] {
  if (displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  let current = '';
  const push = () => {
    lines.push(current.trimEnd());
    current = '';
  };
  for (const word of text.split(/(?<= )/)) {
    if (displayWidth(current + word.trimEnd()) <= width) {
      current += word;
      continue;
    }
    if (current.trim() !== '') push();
    // A word longer than the column is cut; ANSI sequences stay whole.
    let rest = word;
    while (displayWidth(rest.trimEnd()) > width) {
      let cut = '';
      // eslint-disable-next-line no-control-regex -- ANSI style sequences start with ESC
      for (const token of rest.match(/\u001b\[[0-9;]*m|[\s\S]/gu) ?? []) {
        if (displayWidth(cut + token) > width) break;
        cut += token;
      }
      if (cut === '') cut = [...rest][0]!;
      lines.push(cut);
      rest = rest.slice(cut.length);
    }
    current = rest;
  }
  if (current.trim() !== '' || lines.length === 0) push();
  return lines;
}

/** The SGR codes each closing code ends. */
const CLOSES: Record<string, string[]> = {
  '22': ['1', '2'],
  '23': ['3'],
  '24': ['4'],
  '29': ['9'],
  '39': ['36']
};

/**
 * Makes every line stand alone: styles open at the end of a line are closed there and opened
 * again on the next, so a wrapped styled span does not colour the table's padding and borders.
 */
function carryStyles(lines: string[]): string[] {
  let open: string[] = [];
  return lines.map((line) => {
    const prefix = open.map((code) => `\u001b[${code}m`).join('');
    // eslint-disable-next-line no-control-regex -- ANSI style sequences start with ESC
    for (const match of line.matchAll(/\u001b\[([0-9;]*)m/g)) {
      const code = match[1] || '0';
      if (code === '0') open = [];
      else if (CLOSES[code]) open = open.filter((o) => !CLOSES[code]!.includes(o));
      else open.push(code);
    }
    return prefix + line + (open.length > 0 ? '\u001b[0m' : '');
  });
}

/**
 * Column widths that fit `limit`: first headers wider than their column's cells wrap (down to
 * their longest word), then the widest columns shrink in turn, none below MIN_COLUMN_WIDTH.
 */
function fitWidths(rows: string[][][], limit: number | undefined, indent: number): number[] {
  const columns = rows[0]!.length;
  const widest = (lines: string[]) => Math.max(0, ...lines.map(displayWidth));
  const column = (index: number, from: number) => rows.slice(from).flatMap((row) => row[index]!);
  const widths = Array.from({ length: columns }, (_unused, i) => Math.max(1, widest(column(i, 0))));
  if (limit === undefined) return widths;
  const budget = limit - indent - 3 * (columns - 1);
  const shrink = (floors: number[]) => {
    for (let total = widths.reduce((a, b) => a + b, 0); total > budget; total--) {
      let pick = -1;
      widths.forEach((width, i) => {
        if (width > floors[i]! && (pick < 0 || width > widths[pick]!)) pick = i;
      });
      if (pick < 0) return;
      widths[pick]!--;
    }
  };
  shrink(
    widths.map((_width, i) =>
      Math.max(1, widest(column(i, 1)), widest(rows[0]![i]!.flatMap((line) => line.split(' '))))
    )
  );
  shrink(widths.map((width) => Math.min(width, MIN_COLUMN_WIDTH)));
  return widths;
}

function renderTable(lines: string[], options: TerminalOptions, indent: string): string[] {
  const style = styler(options.color);
  const align = alignments(lines[1]!);
  const columns = Math.max(align.length, splitTableRow(lines[0]!).length);
  const rows = [lines[0]!, ...lines.slice(2)].map((line) => {
    const cells = splitTableRow(line).map((cell) => renderInline(cell, options).split('\n'));
    while (cells.length < columns) cells.push(['']);
    return cells.slice(0, columns);
  });
  const widths = fitWidths(rows, options.width, indent.length);
  for (const row of rows) {
    row.forEach((cell, column) => {
      const wrapped = cell.flatMap((line) => wrapText(line, widths[column]!));
      row[column] = options.color ? carryStyles(wrapped) : wrapped;
    });
  }
  const out: string[] = [];
  rows.forEach((row, index) => {
    const height = Math.max(...row.map((cell) => cell.length));
    for (let line = 0; line < height; line++) {
      const text = row
        .map((cell, column) => {
          const value = cell[line] ?? '';
          return pad(index === 0 ? style(value, 'bold') : value, widths[column]!, align[column] ?? 'left');
        })
        .join(style(' │ ', 'dim'));
      out.push(`${indent}${text.trimEnd()}`);
    }
    if (index === 0) out.push(indent + style(widths.map((w) => '─'.repeat(w)).join('─┼─'), 'dim'));
  });
  return out;
}

/** A Mermaid xychart (bars and a line over labelled points) as rows of text bars; undefined for other charts. */
function renderXyChart(source: string[], options: TerminalOptions, indent: string): string[] | undefined {
  if (source[0]?.trim() !== 'xychart-beta') return undefined;
  const style = styler(options.color);
  const values = (keyword: string) => {
    const line = source.find((l) => l.trim().startsWith(`${keyword} [`));
    return line ? [...line.matchAll(/-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0])) : [];
  };
  const title = /title\s+"([^"]*)"/.exec(source.join('\n'))?.[1] ?? 'chart';
  const axis = /x-axis\s+\[(.*)\]/.exec(source.join('\n'))?.[1] ?? '';
  const labels = [...axis.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  const bars = values('bar');
  const line = values('line');
  if (labels.length === 0 || bars.length === 0) return undefined;
  const top = Math.max(...bars, ...line, 0) || 1;
  const width = 24;
  const labelWidth = Math.max(...labels.map(displayWidth));
  const valueWidth = Math.max(...bars.map((value) => String(value).length));
  const out = [`${indent}${style(`📊 ${title}`, 'bold')}`];
  labels.forEach((label, index) => {
    const bar = bars[index] ?? 0;
    const filled = Math.round((bar / top) * width);
    const marker =
      line[index] === undefined ? -1 : Math.min(width - 1, Math.round((line[index]! / top) * width));
    const cells: string[] = Array.from({ length: width }, (_unused, at) => (at < filled ? '█' : ' '));
    if (marker >= 0) cells[marker] = '│';
    out.push(
      `${indent}${pad(label, labelWidth, 'left')} ${cells.join('')} ${pad(String(bar), valueWidth, 'right')}` +
        (line[index] === undefined ? '' : style(`  (line: ${line[index]})`, 'dim'))
    );
  });
  out.push(`${indent}${style('█ bar series, │ line series (the title names them)', 'dim')}`);
  return out;
}

function renderCodeBlock(language: string, body: string[], options: TerminalOptions): string[] {
  const style = styler(options.color);
  if (language === 'mermaid') {
    const chart = renderXyChart(body, options, '    ');
    if (chart) return chart;
  }
  const label = language ? [`    ${style(`┌ ${language}`, 'dim')}`] : [];
  return [...label, ...body.map((line) => `    ${style(line, 'dim')}`)];
}

/**
 * A job summary's Markdown as terminal text: headings bold and underlined (an underline row
 * without colour), GFM tables aligned in columns, code blocks indented (Mermaid xycharts drawn
 * as text bars), <details>/<summary> flattened, lists with bullets, quotes with a bar, links as
 * "text (url)", HTML comments dropped, entities decoded.
 */
export function renderMarkdownForTerminal(markdown: string, options: TerminalOptions): string {
  const style = styler(options.color);
  const lines = markdown
    .replace(/\r\n?/g, '\n')
    .replace(/<!--[\s\S]*?-->/g, '')
    .split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;

    const fence = /^\s*(`{3,}|~{3,})\s*([\w+-]*)/.exec(line);
    if (fence) {
      const close = new RegExp(`^\\s*${fence[1]![0]}{${fence[1]!.length},}\\s*$`);
      const body: string[] = [];
      for (i++; i < lines.length && !close.test(lines[i]!); i++) body.push(lines[i]!);
      out.push(...renderCodeBlock(fence[2] ?? '', body, options));
      continue;
    }

    if (line.trim().startsWith('|') && i + 1 < lines.length && DELIMITER_ROW.test(lines[i + 1]!)) {
      const table = [line, lines[i + 1]!];
      for (i += 2; i < lines.length && lines[i]!.trim().startsWith('|'); i++) table.push(lines[i]!);
      i--;
      out.push(...renderTable(table, options, '  '));
      continue;
    }

    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const text = renderInline(heading[2]!, options);
      if (options.color) out.push(style(text, 'bold', 'underline'));
      else {
        out.push(text);
        if (heading[1]!.length <= 3)
          out.push(
            (heading[1]!.length === 1 ? '═' : heading[1]!.length === 2 ? '─' : '┄').repeat(displayWidth(text))
          );
      }
      continue;
    }

    if (/^\s*<\/?details(\s[^>]*)?>\s*$/i.test(line)) continue;
    const details = /^\s*<details(?:\s[^>]*)?>(.*)$/i.exec(line);
    if (details) {
      if (details[1]!.trim() !== '') out.push(...renderInline(details[1]!, options).split('\n'));
      continue;
    }

    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push(style('─'.repeat(40), 'dim'));
      continue;
    }

    const quote = /^\s{0,3}>\s?(.*)$/.exec(line);
    if (quote) {
      const alert = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*$/i.exec(quote[1]!);
      const text = alert ? style(alert[1]!.toUpperCase(), 'bold') : renderInline(quote[1]!, options);
      for (const part of text.split('\n')) out.push(`${style('│', 'dim')} ${part}`);
      continue;
    }

    const item = /^(\s*)([-*+]|\d+[.)])\s+(\[[ xX]\]\s+)?(.*)$/.exec(line);
    if (item) {
      const depth = Math.floor(item[1]!.length / 2);
      const marker = item[3]
        ? /x/i.test(item[3])
          ? '☑'
          : '☐'
        : /\d/.test(item[2]!)
          ? item[2]!
          : ['•', '◦', '▪'][depth % 3]!;
      const prefix = `${'  '.repeat(depth + 1)}${marker} `;
      const [first = '', ...rest] = renderInline(item[4]!, options).split('\n');
      out.push(prefix + first, ...rest.map((part) => ' '.repeat(displayWidth(prefix)) + part));
      continue;
    }

    out.push(
      ...renderInline(line, options)
        .split('\n')
        .map((part) => part.trimEnd())
    );
  }
  // Collapse the blank runs that dropped HTML leaves behind.
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '');
}
