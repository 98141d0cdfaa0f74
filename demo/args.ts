/**
 * The demo's command line, parsed by a pure function so a typo fails before anything starts.
 */
import path from 'node:path';

export interface DemoArgs {
  /** v2 answers errors: canary-step rolls it back and rollback.yml runs. */
  badCanary: boolean;
  /** Absolute path of the Markdown file the summaries are written to. */
  out: string;
  help: boolean;
}

/** A command line the demo does not understand; the message says what is wrong. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const DEFAULT_OUT = 'demo-summary.md';

export const USAGE = `Usage: npm run demo [-- OPTIONS]

A production rehearsal of the example app on this machine, run as an adopter's run goes: the
rehearsal engine executes .github/workflows/deploy-stage.yml (production, canary) with GitHub's
parser and evaluator and the real action bundles against PostgreSQL, Redis, Prometheus, nginx,
stable v1 and canary v2: preflight, migrate-dry-run, health-gate, canary-step 10 -> 50 -> 100,
promotion and the final gate that records the deploy (or, with --bad-canary, the canary rolled
back, then rollback.yml restoring v1 from its deploy record). Prints the jobs, steps and job
summaries GitHub would show and writes the summaries to a Markdown file.

Options:
  --bad-canary   v2 answers 30% errors: canary-step rolls it back, then rollback.yml runs
  --out FILE     Markdown file for the summaries (default: ${DEFAULT_OUT} in the current directory)
  --skip-setup   do not check or install the npm and Debian packages first
  --help         show this text
`;

/** Parses the arguments after `npm run demo --`; relative `--out` paths resolve against `cwd`. */
export function parseDemoArgs(argv: readonly string[], cwd: string): DemoArgs {
  const args: DemoArgs = { badCanary: false, out: path.resolve(cwd, DEFAULT_OUT), help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--bad-canary') args.badCanary = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    // Handled by scripts/demo.mjs before the demo starts; accepted here so both see the same options.
    else if (arg === '--skip-setup') continue;
    else if (arg === '--out' || arg.startsWith('--out=')) {
      const value = arg === '--out' ? argv[++i] : arg.slice('--out='.length);
      if (value === undefined || value === '' || value.startsWith('--')) {
        throw new UsageError('--out needs a file name, e.g. --out demo-summary.md');
      }
      args.out = path.resolve(cwd, value);
    } else {
      throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return args;
}
