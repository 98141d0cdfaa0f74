/**
 * The only adapter to the runner, on `@actions/core`: inputs, outputs, state, masking,
 * annotations, the job summary and the logger. `@actions/core` speaks the runner's protocol
 * (file commands with their delimiters, command escaping); this adapter adds what the project asks
 * of everything that leaves the step: secrets redacted from outputs, summaries, annotations and
 * log lines, and plain log lines that the runner can never read as commands. The state is written
 * unredacted: the runner never shows it, and redacting it would change what the post step runs.
 */
import { EOL } from 'node:os';
import {
  debug,
  error,
  getInput,
  getState,
  info,
  notice,
  saveState,
  setOutput,
  setSecret,
  summary,
  warning
} from '@actions/core';
import { plainLogLines, type Logger } from '../logger.ts';
import { Redactor } from '../redact.ts';

/** Where an annotation points; `line` and `col` are where it starts. */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
}

export interface ActionContext {
  getInput(name: string): string;
  setOutput(name: string, value: string | number | boolean): void;
  /** Masks a value in the log and redacts it from outputs, summaries and annotations. */
  setSecret(value: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  annotate(level: 'error' | 'warning' | 'notice', message: string, properties?: AnnotationProperties): void;
  /** Marks the step failed (exit code 1) with one error annotation. */
  fail(message: string, properties?: AnnotationProperties): void;
  /** Appends Markdown to the job summary; outside GitHub (no summary file) prints it to the log. */
  writeSummary(markdown: string): Promise<void>;
  redact(text: string): string;
  logger: Logger;
}

const annotations = { error, warning, notice };

/** `@actions/core` names the start of an annotation `startLine` and `startColumn`. */
function toCoreProperties(properties: AnnotationProperties = {}) {
  const { line, col, ...rest } = properties;
  return { ...rest, startLine: line, startColumn: col };
}

/**
 * The context a bundle uses when the runner (or `@github/local-action`, which stands in for
 * `@actions/core`) starts it.
 */
export function createActionContext(): ActionContext {
  const redactor = new Redactor();
  const clean = (text: string) => redactor.redact(text);
  const log = (message: string) => info(plainLogLines(clean(message)).join(EOL));
  return {
    // The runner trims inputs; local-action's stand-in trims only when asked.
    getInput: (name) => getInput(name, { trimWhitespace: true }),
    setOutput: (name, value) => setOutput(name, clean(String(value))),
    setSecret: (value) => {
      // The runner masks each line of a multi-line secret separately; redact the same way.
      for (const line of value.split(/\r?\n/)) {
        if (line.trim() === '') continue;
        setSecret(line);
        redactor.add(line);
      }
      redactor.add(value);
    },
    saveState: (name, value) => saveState(name, value),
    getState: (name) => getState(name),
    annotate: (level, message, properties) =>
      annotations[level](clean(message), toCoreProperties(properties)),
    fail: (message, properties) => {
      // Not core.setFailed: it takes no title, and the entry wrapper may report several problems.
      error(clean(message), toCoreProperties(properties));
      process.exitCode = 1;
    },
    writeSummary: async (markdown) => {
      const text = clean(markdown);
      if (!process.env.GITHUB_STEP_SUMMARY) {
        log(`\n----- job summary -----\n${text}\n-----------------------`);
        return;
      }
      await summary.addRaw(text, !text.endsWith(EOL)).write();
    },
    redact: clean,
    logger: {
      debug: (message) => debug(clean(message)),
      info: log,
      warning: (message) => warning(clean(message)),
      error: (message) => error(clean(message))
    }
  };
}
