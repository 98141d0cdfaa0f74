#!/usr/bin/env node
// Keeps the input and output tables in README.md and actions/<name>/README.md equal to each
// action.yml. They live between `<!-- action-docs:<name> -->` and `<!-- /action-docs:<name> -->`.
// `node scripts/docs.mjs` rewrites them; `--check` lists the files that differ and exits 1.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const escape = (text) => String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').trim();

/** The Markdown tables of one action.yml. */
export function renderActionTables(actionYml) {
  const inputs = Object.entries(actionYml.inputs ?? {}).map(
    ([name, spec]) =>
      `| \`${name}\` | ${spec.required ? 'required' : spec.default === undefined || spec.default === '' ? '' : `\`${escape(spec.default)}\``} | ${escape(spec.description ?? '')} |`
  );
  const outputs = Object.entries(actionYml.outputs ?? {}).map(
    ([name, spec]) => `| \`${name}\` | ${escape(spec.description ?? '')} |`
  );
  return [
    '| input | default | meaning |',
    '| --- | --- | --- |',
    ...inputs,
    '',
    '| output | meaning |',
    '| --- | --- |',
    ...outputs
  ].join('\n');
}

/** Files whose marked tables differ from their action.yml, after rewriting them unless `check`. */
export function syncActionDocs({ check }) {
  const actions = readdirSync(path.join(root, 'actions')).filter((name) =>
    existsSync(path.join(root, 'actions', name, 'action.yml'))
  );
  const files = [
    path.join(root, 'README.md'),
    ...actions.map((name) => path.join(root, 'actions', name, 'README.md'))
  ];
  const stale = [];
  for (const file of files) {
    if (!existsSync(file)) {
      stale.push(`${path.relative(root, file)} (missing)`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    let updated = text;
    for (const action of actions) {
      const open = `<!-- action-docs:${action} -->`;
      const close = `<!-- /action-docs:${action} -->`;
      const start = updated.indexOf(open);
      const end = updated.indexOf(close);
      if (start < 0 || end < start) continue;
      const yml = parse(readFileSync(path.join(root, 'actions', action, 'action.yml'), 'utf8'));
      updated = `${updated.slice(0, start + open.length)}\n${renderActionTables(yml)}\n${updated.slice(end)}`;
    }
    const own = path.basename(path.dirname(file));
    if (file !== path.join(root, 'README.md') && !text.includes(`<!-- action-docs:${own} -->`)) {
      stale.push(`${path.relative(root, file)} (no tables for ${own})`);
    } else if (updated !== text) {
      stale.push(path.relative(root, file));
      if (!check) writeFileSync(file, updated);
    }
  }
  return stale;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const stale = syncActionDocs({ check });
  if (stale.length) process.stdout.write(`${check ? 'out of date' : 'updated'}: ${stale.join(', ')}\n`);
  process.exit(check && stale.length ? 1 : 0);
}
