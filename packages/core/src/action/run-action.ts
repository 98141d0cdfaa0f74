import { ConfigurationError, VerdictFailure, errorMessage } from '../errors.ts';
import { formatProblem } from '../inputs/read-inputs.ts';
import { createActionContext, type ActionContext } from './context.ts';

/**
 * The entry wrapper, the only place that catches. Invalid inputs become one error annotation each,
 * titled with the input's name; a negative verdict or any other error marks the step failed once.
 * The process exits with code 1 on failure.
 */
export async function runAction(
  actionName: string,
  main: (context: ActionContext) => Promise<void>,
  context: ActionContext = createActionContext()
): Promise<void> {
  try {
    await main(context);
  } catch (error) {
    if (error instanceof ConfigurationError && error.problems.length > 0) {
      for (const problem of error.problems) {
        context.fail(formatProblem(problem), { title: `${actionName}: invalid input \`${problem.input}\`` });
      }
      context.logger.info('Nothing was done: inputs are checked before any request or change is made.');
    } else if (error instanceof ConfigurationError) {
      context.fail(error.message, { title: `${actionName}: configuration` });
    } else if (error instanceof VerdictFailure) {
      context.fail(error.message, { title: actionName });
    } else {
      if (error instanceof Error && error.stack) context.logger.debug(error.stack);
      context.fail(`${actionName} stopped on an unexpected error: ${errorMessage(error)}`, {
        title: actionName
      });
    }
  }
}
