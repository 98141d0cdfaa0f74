/**
 * A production world command (deploy, canary, weight, promote, redeploy) as the workflow runs it:
 * sends its environment to the world that wrote the command script and prints the answer.
 *   usage: node world-command.ts <control URL of the command>
 */
const [url] = process.argv.slice(2);
const names = [
  'VERSION',
  'GIT_SHA',
  'IMAGE_TAG',
  'ENVIRONMENT',
  'BACKEND_IMAGE',
  'FRONTEND_IMAGE',
  'CANARY_WEIGHT',
  'ROLLBACK_VERSION',
  'ROLLBACK_SHA'
];
const env = Object.fromEntries(
  names.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]])
);
try {
  if (url === undefined) throw new Error('usage: world-command.ts <control URL>');
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(env) });
  const text = await response.text();
  (response.ok ? process.stdout : process.stderr).write(`world: ${text}`);
  process.exitCode = response.ok ? 0 : 1;
} catch (error) {
  process.stderr.write(`world: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
