/**
 * The only adapter to the runner: inputs, outputs, state, masking, annotations, the job summary
 * and the logger. Everything written out passes through the Redactor, except the state: the
 * runner never shows it, and redacting it would change what the post step runs.
 */
import type { Logger } from '../logger.ts';
import { Redactor } from '../redact.ts';
import { RunnerChannel, readInput, type CommandProperties } from './runner.ts';

export type AnnotationProperties = Pick<
  CommandProperties,
  'title' | 'file' | 'line' | 'endLine' | 'col' | 'endColumn'
>;

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

/** The context a bundle uses when the runner (or a local run with the same variables) starts it. */
export function createActionContext(
  env: NodeJS.ProcessEnv = process.env,
  channel: RunnerChannel = new RunnerChannel(env)
): ActionContext {
  const redactor = new Redactor();
  const clean = (text: string) => redactor.redact(text);
  return {
    getInput: (name) => readInput(name, env),
    setOutput: (name, value) => channel.setOutput(name, clean(String(value))),
    setSecret: (value) => {
      // The runner masks each line of a multi-line secret separately; redact the same way.
      for (const line of value.split(/\r?\n/)) {
        if (line.trim() === '') continue;
        channel.command('add-mask', line);
        redactor.add(line);
      }
      redactor.add(value);
    },
    saveState: (name, value) => channel.saveState(name, value),
    getState: (name) => channel.getState(name),
    annotate: (level, message, properties) => channel.command(level, clean(message), properties),
    fail: (message, properties) => {
      channel.command('error', clean(message), properties);
      process.exitCode = 1;
    },
    writeSummary: async (markdown) => {
      const text = clean(markdown);
      if (!channel.appendSummary(text))
        channel.log(`\n----- job summary -----\n${text}\n-----------------------`);
    },
    redact: clean,
    logger: {
      debug: (message) => channel.command('debug', clean(message)),
      info: (message) => channel.log(clean(message)),
      warning: (message) => channel.command('warning', clean(message)),
      error: (message) => channel.command('error', clean(message))
    }
  };
}
