/**
 * Everything the demo shows goes through here: lines and rendered job summaries to the terminal,
 * the same summaries to the Markdown file, and secrets replaced by *** on the way (the values the
 * demo knows, and every value an action asks the runner to mask with ::add-mask::).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { displayWidth, renderMarkdownForTerminal, truncateToWidth } from './terminal-markdown.ts';

export interface StageResult {
  number: number;
  name: string;
  /** What happened, in a few words: "promoted to 100%", "rolled back at 10%". */
  verdict: string;
  /** True when the stage did what the demo meant it to do (a rollback is intended with --bad-canary). */
  asIntended: boolean;
  seconds: number;
}

export interface DemoOutputOptions {
  color: boolean;
  markdownFile: string;
  /** First line of the Markdown file. */
  title: string;
  /** Terminal width: wider tables wrap their cells (default: no limit). */
  width?: number;
  /** Terminal output (default: stdout). */
  write?: (text: string) => void;
}

export interface DemoOutput {
  readonly color: boolean;
  /** Never show this value: it is replaced by *** in everything printed or written from now on. */
  mask(secret: string): void;
  redact(text: string): string;
  /** A line on the terminal. */
  say(text?: string): void;
  /** A line of a workflow's live log (already masked by the engine): indented, dimmed, one screen line. */
  log(line: string): void;
  /** The line opening a stage while it runs. */
  stageStart(number: number, total: number, title: string): void;
  /** The header of a finished stage, in the terminal and the Markdown file. */
  stageHeader(stage: StageResult, total: number): void;
  /** A workflow run rendered for the terminal, and its job summaries verbatim into the Markdown file. */
  workflowRun(rendered: string, summaries: readonly string[]): void;
  /** What the demo itself verified after a stage (routing, notifications, GitHub records). */
  checks(facts: readonly string[]): void;
  /** Markdown written to the file only (the terminal shows the same facts as lines). */
  markdown(text: string): void;
  /** Markdown rendered to the terminal and written to the file. */
  both(markdown: string): void;
}

const STYLE = { bold: ['\u001b[1m', '\u001b[22m'], dim: ['\u001b[2m', '\u001b[22m'] } as const;

/** Creates the output and starts the Markdown file with its title. */
export function createDemoOutput(options: DemoOutputOptions): DemoOutput {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const secrets = new Set<string>();
  const terminal = { color: options.color, ...(options.width ? { width: options.width } : {}) };
  const paint = (text: string, style: keyof typeof STYLE) =>
    options.color ? `${STYLE[style][0]}${text}${STYLE[style][1]}` : text;

  const redact = (text: string): string => {
    let result = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join('***');
    }
    return result;
  };
  const say = (text = '') => write(`${redact(text)}\n`);
  const mask = (secret: string) => {
    // A value of a few characters would blank out ordinary words all over the output.
    if (secret.trim().length >= 4) secrets.add(secret.trim());
  };
  const toFile = (text: string) => appendFileSync(options.markdownFile, `${redact(text)}\n`);

  mkdirSync(path.dirname(options.markdownFile), { recursive: true });
  writeFileSync(options.markdownFile, `# ${options.title}\n\n`);

  return {
    color: options.color,
    mask,
    redact,
    say,
    log(text) {
      const line = `    │ ${redact(text)}`;
      say(paint(options.width ? truncateToWidth(line, options.width) : line, 'dim'));
    },
    stageStart(number, total, title) {
      say();
      say(paint(`▶ ${number}/${total} ${title}`, 'bold'));
    },
    stageHeader(stage, total) {
      const mark = stage.asIntended ? '✔' : '✘ not as intended';
      const text = ` ${stage.number}/${total} ${stage.name} · ${stage.verdict} ${mark} · ${stage.seconds.toFixed(1)} s `;
      const rule = '━'.repeat(Math.max(4, Math.min(options.width ?? 100, 100) - displayWidth(text) - 3));
      say(paint(`━━━${text}${rule}`, 'bold'));
      toFile(
        `${stage.number > 1 ? '---\n\n' : ''}## ${stage.number}. ${stage.name}: ${stage.verdict} ${stage.asIntended ? '' : '(not as intended) '}` +
          `(${stage.seconds.toFixed(1)} s)\n`
      );
    },
    workflowRun(rendered, summaries) {
      say(rendered);
      const written = summaries.map((summary) => summary.trim()).filter((summary) => summary !== '');
      toFile(written.length > 0 ? `${written.join('\n\n')}\n` : '_The workflow wrote no job summary._\n');
    },
    checks(facts) {
      if (facts.length === 0) return;
      say();
      say(paint('  Checked by the demo:', 'bold'));
      for (const fact of facts) say(`    • ${fact}`);
      toFile(`**Checked by the demo:**\n\n${facts.map((fact) => `- ${fact}`).join('\n')}\n`);
    },
    markdown: (text) => toFile(text),
    both(markdown) {
      say(renderMarkdownForTerminal(redact(markdown), terminal));
      toFile(markdown);
    }
  };
}
