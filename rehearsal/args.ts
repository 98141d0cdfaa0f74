/**
 * `npm run rehearse` command line, parsed by a pure function so a typo fails before anything
 * starts.
 */
import path from 'node:path';

export type RehearseArgs =
  | { kind: 'help' }
  | { kind: 'scenario'; name: string }
  | {
      kind: 'workflow';
      /** Relative to the repository root. */
      workflow: string;
      event: 'push' | 'workflow_dispatch';
      branch?: string;
      inputs: Record<string, string>;
      vars: Record<string, string>;
      secrets: Record<string, string>;
    };

/** A command line the rehearsal does not understand; the message says what is wrong. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE_HEAD = `Usage: npm run rehearse [-- OPTIONS]

Runs the repository's real workflow files on this machine: GitHub's own workflow parser and
expression evaluator, this repository's actions from dist/ through their action.yml, declared
stand-ins for third-party actions, local PostgreSQL/Redis for service containers, and the
OpenAPI-checked GitHub fake (deployments recorded as GitHub records them). What it cannot run,
it refuses with the workflow file and line. Exit code 0 when the run (or scenario) went as meant.

Options:
  --scenario NAME       run a named scenario (listed below)
  --workflow FILE       run one workflow file (relative to the repository root)
  --event EVENT         with --workflow: push (default) or workflow_dispatch
  --branch NAME         with --workflow: the branch pushed or dispatched on (default main)
  --input NAME=VALUE    with --workflow: a workflow_dispatch input (repeatable)
  --var NAME=VALUE      with --workflow: a value of the vars context (repeatable)
  --secret NAME=VALUE   with --workflow: a secret (repeatable; masked in the output)
  --skip-setup          do not check or install the npm and Debian packages first
  --help                show this text

How it runs: jobs one at a time in needs order (no parallel jobs); status functions,
continue-on-error, timeout-minutes (enforced), env at every level, defaults.run, shell bash or sh
(no shell: bash -e; shell: bash adds --noprofile --norc -o pipefail, as on GitHub),
GITHUB_OUTPUT/ENV/PATH/STATE/STEP_SUMMARY, workflow commands, masking, environment deployments,
services, reusable workflows (inputs, secrets, outputs, nested). Not run, refused: strategy/matrix,
container, other shells, docker:// actions, runs.pre. push branches/branches-ignore filters are
evaluated (a push they leave out is refused); paths filters are accepted, not evaluated.
A job past its timeout-minutes is cancelled (result failure): steps whose if: holds then
(always(), cancelled()) and post steps get GitHub's 5-minute cancel timeout.
`;

/** Parses the arguments after `npm run rehearse --`; `--workflow` resolves against `cwd`. */
export function parseRehearseArgs(argv: readonly string[], cwd: string, repoRoot: string): RehearseArgs {
  let scenario: string | undefined;
  let workflow: string | undefined;
  let event: 'push' | 'workflow_dispatch' = 'push';
  let branch: string | undefined;
  const inputs: Record<string, string> = {};
  const vars: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const pairInto = (target: Record<string, string>, option: string, pair: string) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`${option} needs NAME=VALUE, not ${pair}`);
    target[pair.slice(0, at)] = pair.slice(at + 1);
  };
  const value = (i: number, option: string): string => {
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) throw new UsageError(`${option} needs a value`);
    return next;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--skip-setup') continue;
    if (arg === '--scenario') scenario = value(i++, arg);
    else if (arg === '--workflow') workflow = path.relative(repoRoot, path.resolve(cwd, value(i++, arg)));
    else if (arg === '--branch') branch = value(i++, arg);
    else if (arg === '--event') {
      const name = value(i++, arg);
      if (name !== 'push' && name !== 'workflow_dispatch') {
        throw new UsageError(`--event must be push or workflow_dispatch, not ${name}`);
      }
      event = name;
    } else if (arg === '--input') pairInto(inputs, arg, value(i++, arg));
    else if (arg === '--var') pairInto(vars, arg, value(i++, arg));
    else if (arg === '--secret') pairInto(secrets, arg, value(i++, arg));
    else throw new UsageError(`unknown option ${arg}`);
  }
  if (scenario !== undefined && workflow !== undefined)
    throw new UsageError('give --scenario or --workflow, not both');
  if (scenario !== undefined) return { kind: 'scenario', name: scenario };
  if (workflow === undefined) throw new UsageError('give --scenario NAME or --workflow FILE (see --help)');
  if (Object.keys(inputs).length > 0 && event !== 'workflow_dispatch') {
    throw new UsageError('--input is for --event workflow_dispatch');
  }
  return { kind: 'workflow', workflow, event, branch, inputs, vars, secrets };
}
