/**
 * Reads a workflow file with GitHub's own parser (`@actions/workflow-parser`): the schema check of
 * `parseWorkflow`, then `convertWorkflowTemplate` for what the schema cannot say (needs cycles,
 * unknown jobs in needs). Any error stops the rehearsal with `file:line:column`. The engine walks
 * the parsed token tree, which keeps every key (the converted model drops `with:`, `defaults`,
 * `timeout-minutes` and others) and every token's line.
 */
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/index';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RehearsalError } from './errors.ts';
import { asMapping } from './tokens.ts';

export interface LoadedWorkflow {
  /** Path relative to the repository root, as messages show it. */
  file: string;
  root: MappingToken;
}

/** `name (Line: 3, Col: 5): message` -> `name:3:5: message`, the form every refusal uses. */
function asLocated(message: string): string {
  return message.replace(/^(.*?) \(Line: (\d+), Col: (\d+)\): /, '$1:$2:$3: ');
}

/** Parses `file` (relative to `repoRoot`); throws a RehearsalError listing every parser error. */
export async function loadWorkflow(repoRoot: string, file: string): Promise<LoadedWorkflow> {
  let content: string;
  try {
    content = readFileSync(path.join(repoRoot, file), 'utf8');
  } catch {
    throw new RehearsalError(`${file}: no such workflow file`);
  }
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const problems = parsed.context.errors.getErrors().map((error) => asLocated(error.message));
  if (problems.length === 0 && parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    problems.push(...(template.errors ?? []).map((error) => asLocated(error.Message)));
  }
  if (problems.length > 0 || !parsed.value) {
    const listed = problems.length > 0 ? problems : [`${file}: the workflow is empty`];
    throw new RehearsalError(listed.map((problem) => `${problem} (GitHub's workflow parser)`).join('\n'));
  }
  return { file, root: asMapping(file, parsed.value, 'a workflow') };
}
