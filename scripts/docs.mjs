#!/usr/bin/env node
// Keeps the input and output tables in README.md and actions/<name>/README.md equal to each
// action.yml, and the reference tables of docs/pipeline.md equal to each reusable workflow's
// `on.workflow_call`. They live between `<!-- action-docs:<name> -->` and `<!-- /action-docs:<name> -->`
// (`workflow-docs:<file>` for a workflow). `node scripts/docs.mjs` rewrites them; `--check` lists the
// files that differ and exits 1.
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

/** The Markdown tables of one reusable workflow's `on.workflow_call`. */
export function renderWorkflowTables(workflowYml) {
  const call = workflowYml.on?.workflow_call ?? {};
  const cell = (value) => (value === undefined || value === '' ? '' : `\`${escape(value)}\``);
  const inputs = Object.entries(call.inputs ?? {}).map(
    ([name, spec]) =>
      `| \`${name}\` | ${spec.type} | ${spec.required ? 'required' : cell(spec.default)} | ${escape(spec.description ?? '')} |`
  );
  const secrets = Object.entries(call.secrets ?? {}).map(
    ([name, spec]) =>
      `| \`${name}\` | ${spec?.required ? 'required' : 'optional'} | ${escape(spec?.description ?? '')} |`
  );
  const outputs = Object.entries(call.outputs ?? {}).map(
    ([name, spec]) => `| \`${name}\` | ${escape(spec.description ?? '')} |`
  );
  return [
    '| input | type | default | meaning |',
    '| --- | --- | --- | --- |',
    ...inputs,
    '',
    '| secret | | meaning |',
    '| --- | --- | --- |',
    ...secrets,
    '',
    '| output | meaning |',
    '| --- | --- |',
    ...outputs
  ].join('\n');
}

/** Replaces what stands between `<!-- NAME -->` and `<!-- /NAME -->` (unchanged without them). */
function replaceMarked(text, name, content) {
  const open = `<!-- ${name} -->`;
  const close = `<!-- /${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) return text;
  return `${text.slice(0, start + open.length)}\n${content}\n${text.slice(end)}`;
}

/** docs/pipeline.md's reference tables, or why they are stale. */
function syncWorkflowDocs({ check }) {
  const file = path.join(root, 'docs', 'pipeline.md');
  const text = readFileSync(file, 'utf8');
  let updated = text;
  for (const workflow of ['pipeline.yml', 'rollback.yml', 'deploy-stage.yml']) {
    const yml = parse(readFileSync(path.join(root, '.github', 'workflows', workflow), 'utf8'));
    if (!updated.includes(`<!-- workflow-docs:${workflow} -->`))
      return [`docs/pipeline.md (no tables for ${workflow})`];
    updated = replaceMarked(updated, `workflow-docs:${workflow}`, renderWorkflowTables(yml));
  }
  if (updated === text) return [];
  if (!check) writeFileSync(file, updated);
  return ['docs/pipeline.md'];
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
      if (!updated.includes(`<!-- action-docs:${action} -->`)) continue;
      const yml = parse(readFileSync(path.join(root, 'actions', action, 'action.yml'), 'utf8'));
      updated = replaceMarked(updated, `action-docs:${action}`, renderActionTables(yml));
    }
    const own = path.basename(path.dirname(file));
    if (file !== path.join(root, 'README.md') && !text.includes(`<!-- action-docs:${own} -->`)) {
      stale.push(`${path.relative(root, file)} (no tables for ${own})`);
    } else if (updated !== text) {
      stale.push(path.relative(root, file));
      if (!check) writeFileSync(file, updated);
    }
  }
  return [...stale, ...syncWorkflowDocs({ check })];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const stale = syncActionDocs({ check });
  if (stale.length) process.stdout.write(`${check ? 'out of date' : 'updated'}: ${stale.join(', ')}\n`);
  process.exit(check && stale.length ? 1 : 0);
}
