/**
 * `npm run demo` entry (run by scripts/demo.mjs under Node 24): parses the arguments, runs the
 * production rehearsal (demo/rehearsal.ts), always tears everything down, prints the recap. No
 * rehearsal logic here.
 * Exit code: 0 when the demo showed what it meant to, 1 when not, 2 for a bad command line.
 */
import '../rehearsal/json-imports.ts';
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeDir } from '../action-tests/services/index.ts';
import { parseDemoArgs, USAGE, UsageError, type DemoArgs } from './args.ts';
import { createDemoOutput, type DemoOutput } from './output.ts';
import { printRecap } from './recap.ts';
import type { RehearsalResult } from './rehearsal.ts';
import { Teardown, type StoppedProcess } from './teardown.ts';
import { shouldUseColor } from './terminal-markdown.ts';

// After json-imports.ts registered its hook: the engine imports the workflow parser.
const { runRehearsal } = await import('./rehearsal.ts');
const started = performance.now();

let args: DemoArgs;
try {
  // npm runs scripts in the package root; INIT_CWD is where the user typed the command.
  args = parseDemoArgs(process.argv.slice(2), process.env.INIT_CWD || process.cwd());
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`demo: ${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const mode = args.badCanary ? 'a bad canary, rolled back' : 'a healthy canary, promoted';
const terminal = {
  color: shouldUseColor(process.stdout.isTTY, process.env),
  // Wide tables wrap to the terminal; in a log file, to a width that reads well.
  width: process.stdout.isTTY ? Math.max(60, process.stdout.columns) : 120
};
let output: DemoOutput;
try {
  output = createDemoOutput({
    ...terminal,
    markdownFile: args.out,
    title: `deploy-actions demo: production rehearsal with ${mode}`
  });
} catch (error) {
  process.stderr.write(`demo: cannot write ${args.out}: ${(error as Error).message}\n`);
  process.exit(2);
}

// One directory for everything the services write; TMPDIR makes every helper create its own
// directory inside it. PostgreSQL (as user postgres) and nginx workers (nobody) must enter it.
const workDir = mkdtempSync(path.join(os.tmpdir(), 'deploy-actions-demo-'));
chmodSync(workDir, 0o755);
process.env.TMPDIR = workDir;

const teardown = new Teardown();
const stoppedByWorld: StoppedProcess[] = [];
// Ctrl-C cancels the workflow run under way: the engine kills its step processes, starts nothing more.
const cancellation = new AbortController();

/** Stops everything, removes the work directory, says what was stopped. Safe to call twice. */
let finishing: Promise<string[]> | undefined;
function finish(): Promise<string[]> {
  finishing ??= (async () => {
    const problems: string[] = [];
    cancellation.abort();
    const stopped = [...(await teardown.run((problem) => problems.push(problem))), ...stoppedByWorld];
    removeDir(workDir);
    // One machine-readable line: the demo's test checks that each of these PIDs is gone.
    output.say(`processes stopped: ${stopped.map((p) => `${p.name}=${p.pid}`).join('; ')}`);
    return problems;
  })();
  return finishing;
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129]
] as const) {
  process.on(signal, () => {
    if (finishing) return; // already stopping; a second Ctrl-C must not leave processes behind
    output.say(`\n${signal}: stopping everything the demo started…`);
    void finish().then(
      () => process.exit(code),
      () => process.exit(code)
    );
  });
}

output.say(`deploy-actions demo: production rehearsal of the example app with ${mode}`);
output.say(`Markdown summaries: ${args.out}`);

let result: RehearsalResult;
try {
  result = await runRehearsal({
    badCanary: args.badCanary,
    output,
    teardown,
    terminal,
    signal: cancellation.signal,
    stoppedByWorld
  });
} catch (error) {
  result = { stages: [], problems: [`the demo failed: ${(error as Error).stack ?? String(error)}`] };
}
if (!finishing) {
  output.say();
  output.say('Stopping everything…');
}
result.problems.push(...(await finish()));
printRecap(output, result, {
  badCanary: args.badCanary,
  markdownFile: args.out,
  seconds: (performance.now() - started) / 1000
});
process.exit(result.problems.length === 0 ? 0 : 1);
