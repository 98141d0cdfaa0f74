/**
 * A problem the user can fix (a bad input, a missing file). The entry wrapper reports it as an
 * error annotation titled with the input's name.
 */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
  /** Every invalid input found, so one run reports all of them rather than the first. */
  readonly problems: readonly InputProblem[];

  constructor(message: string, problems: readonly InputProblem[] = []) {
    super(message);
    this.problems = problems;
  }
}

/** One invalid input: its name, its value as shown to people (masked if secret), what was expected. */
export interface InputProblem {
  input: string;
  shownValue: string;
  expected: string;
}

/**
 * The action ran and its verdict is negative (unhealthy service, failed canary, ...). Everything
 * was already reported in outputs and the summary; the wrapper only marks the step failed.
 */
export class VerdictFailure extends Error {
  override name = 'VerdictFailure';
}

/** A request did not complete: refused, reset, timed out, DNS, or a body that was too large. */
export class HttpRequestError extends Error {
  override name = 'HttpRequestError';
  constructor(
    message: string,
    readonly kind: 'timeout' | 'refused' | 'reset' | 'dns' | 'too-large' | 'network',
    readonly latencyMs: number
  ) {
    super(message);
  }
}

/** The message of anything thrown, without a stack, for logs and summaries. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
