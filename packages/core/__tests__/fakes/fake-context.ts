/**
 * The one fake ActionContext of the unit tests: it keeps everything an action writes (outputs,
 * state, secrets, annotations, failures, summaries, log lines) for the test to assert on. It does
 * not redact, so a leak shows; it refuses a second write of one output, which the runner would
 * take silently with the later value.
 */
import type { ActionContext, AnnotationProperties } from '../../src/action/context.ts';
import { MemoryLogger } from '../../src/logger.ts';

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties?: AnnotationProperties;
}

export interface Failure {
  message: string;
  properties?: AnnotationProperties;
}

export interface FakeContextOptions {
  /**
   * What main saved (STATE_* on the runner), given only for an action that keeps state (`{}` for
   * its main step): saving state without it fails the test.
   */
  state?: Record<string, string>;
}

export interface FakeContext {
  context: ActionContext;
  outputs: Record<string, string>;
  /** The state the action saved. */
  saved: Record<string, string>;
  secrets: string[];
  annotations: Annotation[];
  failures: Failure[];
  summaries: string[];
  logger: MemoryLogger;
}

/** A context whose inputs are `inputs` (a missing one reads as '', as on the runner). */
export function fakeContext(inputs: Record<string, string>, options: FakeContextOptions = {}): FakeContext {
  const fake: Omit<FakeContext, 'context'> = {
    outputs: {},
    saved: {},
    secrets: [],
    annotations: [],
    failures: [],
    summaries: [],
    logger: new MemoryLogger()
  };
  const withProperties = <T extends object>(entry: T, properties?: AnnotationProperties) =>
    properties === undefined ? entry : { ...entry, properties };
  const context: ActionContext = {
    getInput: (name) => inputs[name] ?? '',
    setOutput: (name, value) => {
      if (name in fake.outputs) throw new Error(`output ${name} set twice`);
      fake.outputs[name] = String(value);
    },
    setSecret: (value) => fake.secrets.push(value),
    saveState: (name, value) => {
      if (!options.state) throw new Error(`this action keeps no state (saved ${name})`);
      fake.saved[name] = value;
    },
    getState: (name) => options.state?.[name] ?? '',
    annotate: (level, message, properties) =>
      fake.annotations.push(withProperties({ level, message }, properties)),
    fail: (message, properties) => fake.failures.push(withProperties({ message }, properties)),
    writeSummary: async (markdown) => {
      fake.summaries.push(markdown);
    },
    redact: (text) => text,
    logger: fake.logger
  };
  return { ...fake, context };
}
