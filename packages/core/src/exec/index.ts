// @deploy-actions/core/exec: programs as dependencies (createExec and its process groups), command
// lines, and programs whose output is the step's own.
export {
  commandEnvironment,
  createExec,
  type CreateExecOptions,
  describeExecResult,
  type Exec,
  ExecError,
  type ExecOptions,
  type ExecResult,
  ExecStartError,
  type ProcessExec,
  type ProcessGroup,
  stopProcessGroups,
  succeeded
} from './exec.ts';
export { formatCommandLine, splitCommandLine } from './command-line.ts';
export { runWithOwnOutput } from './run-own-output.ts';
