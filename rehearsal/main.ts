/**
 * `npm run rehearse` entry (run by scripts/rehearse.mjs under Node 24): parses the arguments,
 * starts the GitHub fake, loads the world, runs a scenario or one workflow, prints every job and
 * step with the summaries, and stops what the world started. No rehearsal logic here.
 * Exit code: 0 when the run went as meant, 1 when not, 2 for a bad command line.
 */
import './json-imports.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGitHubFake } from '../action-tests/fakes/github/index.ts';
import { shouldUseColor } from '../demo/terminal-markdown.ts';
import { parseRehearseArgs, USAGE_HEAD, UsageError, type RehearseArgs } from './args.ts';
import type { RehearsalWorld } from './engine/index.ts';
import type { ScenarioContext, ScenarioOutcome } from './scenarios/index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// After json-imports.ts registered its hook: the engine imports the workflow parser.
const { rehearse, renderRehearsal } = await import('./engine/index.ts');
const { scenarios } = await import('./scenarios/index.ts');

/** The world of rehearsal/world (stand-ins, services, tools), or why it could not be loaded. */
async function loadWorld(): Promise<RehearsalWorld | string> {
  try {
    return await import('./world/index.ts');
  } catch (error) {
    return `rehearsal/world cannot be loaded (${(error as Error).message})`;
  }
}

async function usage(): Promise<string> {
  const world = await loadWorld();
  const lines = [USAGE_HEAD, 'Scenarios:'];
  for (const scenario of scenarios) lines.push(`  ${scenario.name.padEnd(22)}${scenario.description}`);
  lines.push('', 'Stand-ins for third-party actions (rehearsal/world/stand-ins.ts):');
  if (typeof world === 'string') lines.push(`  none: ${world}`);
  else for (const standIn of world.standIns) lines.push(`  ${standIn.uses.padEnd(34)}${standIn.description}`);
  return `${lines.join('\n')}\n`;
}

let args: RehearseArgs;
try {
  // npm runs scripts in the package root; INIT_CWD is where the user typed the command.
  args = parseRehearseArgs(process.argv.slice(2), process.env.INIT_CWD || process.cwd(), repoRoot);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`rehearse: ${error.message}\n\n${await usage()}`);
  process.exit(2);
}
if (args.kind === 'help') {
  process.stdout.write(await usage());
  process.exit(0);
}

const loaded = await loadWorld();
if (typeof loaded === 'string') {
  process.stderr.write(`rehearse: ${loaded}\n`);
  process.exit(1);
}
const world: RehearsalWorld = loaded;
const terminal = {
  color: shouldUseColor(process.stdout.isTTY, process.env),
  width: process.stdout.isTTY ? Math.max(60, process.stdout.columns) : 120
};
const workDir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-'));
const runDirs: string[] = [];
const github = await startGitHubFake();
// The run is for the repository's own HEAD, so checkout's stand-in finds the commit.
const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
github.state.setBranch('main', head);

async function stopEverything(): Promise<void> {
  for (const runDir of runDirs) await world.stopAll(runDir);
  await github.close();
  rmSync(workDir, { recursive: true, force: true });
}
// The first signal cancels the rehearsal (its step processes are killed, nothing new starts) and
// lets it end normally, so everything below stops in order; a second one exits at once.
const cancellation = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (cancellation.signal.aborted) {
      void stopEverything().finally(() => process.exit(130));
      return;
    }
    process.stderr.write(`\nrehearse: ${signal}: cancelling the rehearsal\n`);
    cancellation.abort();
  });
}

const context: ScenarioContext = {
  github,
  world,
  rehearse: (options) => {
    const runDir = mkdtempSync(path.join(workDir, 'run-'));
    runDirs.push(runDir);
    return rehearse({
      ...options,
      github,
      world,
      runDir,
      signal: cancellation.signal,
      onLog: (line) => process.stdout.write(`${line}\n`)
    });
  },
  log: (line) => process.stdout.write(`${line}\n`)
};

let outcome: ScenarioOutcome;
try {
  if (args.kind === 'scenario') {
    const name = args.name;
    const scenario = scenarios.find((s) => s.name === name);
    if (!scenario) {
      process.stderr.write(`rehearse: no scenario ${name} (see --help)\n`);
      await stopEverything();
      process.exit(2);
    }
    outcome = await scenario.run(context);
  } else {
    const result = await context.rehearse({
      workflow: args.workflow,
      event:
        args.event === 'push'
          ? { name: 'push', branch: args.branch }
          : { name: 'workflow_dispatch', branch: args.branch, inputs: args.inputs },
      vars: args.vars,
      secrets: args.secrets
    });
    outcome = { ok: result.conclusion === 'success', results: [result], problems: [] };
  }
} finally {
  await stopEverything();
}
for (const result of outcome.results) process.stdout.write(`\n${renderRehearsal(result, terminal)}`);
for (const problem of outcome.problems) process.stdout.write(`✖ ${problem}\n`);
process.exit(cancellation.signal.aborted ? 130 : outcome.ok ? 0 : 1);
