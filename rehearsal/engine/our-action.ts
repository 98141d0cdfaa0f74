/**
 * This repository's own actions, run as the runner runs a JavaScript action: `uses:
 * ./actions/<name>` or `<actionRepository>/actions/<name>@<ref>` reads actions/<name>/action.yml,
 * refuses `with:` keys it does not declare, applies its defaults (evaluating `${{ }}` in them),
 * passes inputs as `INPUT_<NAME>` (upper case, spaces to `_`) and runs `runs.main` with Node 24;
 * `runs.post` is registered with its `post-if` (default `always()`).
 */
import type { MappingToken, TemplateToken } from '@actions/workflow-parser/templates/tokens/index';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { refuse } from './errors.ts';
import { evaluateTemplateString, evaluateText, type Scope } from './expressions.ts';
import type { JobRuntime } from './job-runtime.ts';
import type { RunContext } from './run-context.ts';
import { entries } from './tokens.ts';

interface ActionYml {
  inputs?: Record<string, { default?: unknown; required?: boolean } | null>;
  runs?: { using?: string; main?: string; pre?: string; post?: string; 'post-if'?: string };
}

export interface PreparedAction {
  dir: string;
  main: string;
  post: string | undefined;
  postIf: string;
  inputEnv: Record<string, string>;
}

/** The action's name when `uses` is one of this repository's actions, else undefined. */
export function resolveOurAction(run: RunContext, uses: string): string | undefined {
  const local = /^\.\/actions\/([\w.-]+)\/?$/.exec(uses);
  if (local) return local[1];
  const remote = new RegExp(
    `^${run.actionRepository.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/actions/([\\w.-]+)@.+$`
  ).exec(uses);
  return remote?.[1];
}

/** The runner's input variable name: upper case, spaces to underscores (dashes kept). */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export function prepareOurAction(
  rt: JobRuntime,
  name: string,
  usesToken: TemplateToken,
  withToken: MappingToken | undefined,
  scope: Scope
): PreparedAction {
  const dir = path.join(rt.run.repoRoot, 'actions', name);
  const ymlPath = path.join(dir, 'action.yml');
  if (!existsSync(ymlPath)) throw refuse(rt.file, usesToken, `actions/${name}/action.yml does not exist`);
  const yml = parse(readFileSync(ymlPath, 'utf8')) as ActionYml;
  const runs = yml.runs ?? {};
  if (!/^node(20|24)$/.test(runs.using ?? '') || runs.main === undefined) {
    throw refuse(rt.file, usesToken, `actions/${name} is not a node24 JavaScript action with runs.main`);
  }
  if (runs.pre !== undefined)
    throw refuse(rt.file, usesToken, `actions/${name}: the rehearsal does not run runs.pre`);
  const declared = yml.inputs ?? {};
  const values: Record<string, string> = {};
  for (const entry of withToken ? entries(withToken) : []) {
    if (!(entry.key in declared)) {
      throw refuse(
        rt.file,
        entry.keyToken,
        `'${entry.key}' is not an input of actions/${name}/action.yml (inputs: ${Object.keys(declared).join(', ')})`
      );
    }
    values[entry.key] = evaluateText(entry.value, scope);
  }
  for (const [input, spec] of Object.entries(declared)) {
    if (!(input in values) && spec?.default !== undefined) {
      values[input] = evaluateTemplateString(String(spec.default), scope);
    }
  }
  return {
    dir,
    main: path.resolve(dir, runs.main),
    post: runs.post === undefined ? undefined : path.resolve(dir, runs.post),
    postIf: runs['post-if'] ?? 'always()',
    inputEnv: Object.fromEntries(
      Object.entries(values).map(([input, value]) => [inputVariable(input), value])
    )
  };
}
