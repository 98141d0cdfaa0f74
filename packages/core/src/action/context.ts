/**
 * The only adapter to `@actions/core`: inputs, outputs, state, masking, annotations, the job
 * summary and the logger. Everything written out passes through the Redactor.
 */
import * as core from '@actions/core';
import type { Logger } from '../logger.ts';
import { Redactor } from '../redact.ts';

export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
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

/** The context a bundle uses when the runner (or a local run with the same variables) starts it. */
export function createActionContext(): ActionContext {
  const redactor = new Redactor();
  const clean = (text: string) => redactor.redact(text);
  return {
    getInput: (name) => core.getInput(name),
    setOutput: (name, value) => core.setOutput(name, clean(String(value))),
    setSecret: (value) => {
      core.setSecret(value);
      redactor.add(value);
    },
    saveState: (name, value) => core.saveState(name, clean(value)),
    getState: (name) => core.getState(name),
    annotate: (level, message, properties) => core[level](clean(message), properties),
    fail: (message, properties) => {
      core.error(clean(message), properties);
      process.exitCode = 1;
    },
    writeSummary: async (markdown) => {
      const text = clean(markdown);
      if (process.env.GITHUB_STEP_SUMMARY) {
        await core.summary.addRaw(text, true).write();
      } else {
        core.info(`\n----- job summary -----\n${text}\n-----------------------`);
      }
    },
    redact: clean,
    logger: {
      debug: (message) => core.debug(clean(message)),
      info: (message) => core.info(clean(message)),
      warning: (message) => core.warning(clean(message)),
      error: (message) => core.error(clean(message))
    }
  };
}
