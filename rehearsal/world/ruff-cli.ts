/**
 * `ruff check` in the rehearsal. Ruff is not packaged for this machine's Debian and PyPI is out of
 * reach, but Astral publishes ruff itself compiled to WebAssembly on npm: this runs that linter,
 * with its default rules, over the Python files of the given paths and prints what ruff prints
 * (`path:row:col: CODE message`, exit status 1 on findings). It reads no configuration file, so a
 * project that configures ruff is refused rather than linted by other rules.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PositionEncoding, Workspace } from '@astral-sh/ruff-wasm-nodejs';

/** Folders ruff leaves out by default (its `exclude` setting) that a checkout can hold. */
const EXCLUDED = new Set([
  '.bzr',
  '.direnv',
  '.eggs',
  '.git',
  '.hg',
  '.mypy_cache',
  '.nox',
  '.pants.d',
  '.pytest_cache',
  '.ruff_cache',
  '.svn',
  '.tox',
  '.venv',
  '__pypackages__',
  '__pycache__',
  '_build',
  'buck-out',
  'build',
  'dist',
  'node_modules',
  'site-packages',
  'venv'
]);

interface Finding {
  code: string | null;
  message: string;
  start_location: { row: number; column: number };
}

function fail(message: string, status = 2): never {
  process.stderr.write(`ruff stand-in: ${message}\n`);
  process.exit(status);
}

function pythonFiles(entry: string): string[] {
  if (!existsSync(entry)) fail(`${entry}: no such file or directory`);
  if (!statSync(entry).isDirectory()) return [entry];
  return readdirSync(entry, { withFileTypes: true })
    .filter((child) => !(child.isDirectory() && EXCLUDED.has(child.name)))
    .filter((child) => child.isDirectory() || /\.pyi?$/.test(child.name))
    .flatMap((child) => pythonFiles(path.join(entry, child.name)))
    .sort();
}

const [command, ...rest] = process.argv.slice(2);
if (command !== 'check') fail('only `ruff check [PATH ...]` is supported in the rehearsal');
const options = rest.filter((arg) => arg.startsWith('-'));
if (options.length > 0) fail(`options are not supported in the rehearsal: ${options.join(' ')}`);
for (const config of ['ruff.toml', '.ruff.toml'])
  if (existsSync(config))
    fail(`${config} is not read by the rehearsal's ruff; it lints with ruff's defaults only`);
if (existsSync('pyproject.toml') && /^\[tool\.ruff/m.test(readFileSync('pyproject.toml', 'utf8')))
  fail(
    "pyproject.toml's [tool.ruff] is not read by the rehearsal's ruff; it lints with ruff's defaults only"
  );

// Ruff's own defaults (the WebAssembly build, made for the playground, selects more rules by default).
const workspace = new Workspace({ lint: { select: ['E4', 'E7', 'E9', 'F'] } }, PositionEncoding.Utf16);
let found = 0;
const files = (rest.length > 0 ? rest : ['.']).flatMap(pythonFiles);
for (const file of files) {
  const findings = workspace.check(readFileSync(file, 'utf8')) as Finding[];
  for (const finding of findings) {
    const { row, column } = finding.start_location;
    process.stdout.write(`${file}:${row}:${column}: ${finding.code ?? 'syntax-error'} ${finding.message}\n`);
  }
  found += findings.length;
}
process.stdout.write(
  found === 0 ? 'All checks passed!\n' : `Found ${found} error${found === 1 ? '' : 's'}.\n`
);
process.stderr.write(
  `ruff stand-in: ruff ${Workspace.version()} (WebAssembly, default rules) checked ${files.length} files\n`
);
process.exit(found === 0 ? 0 : 1);
