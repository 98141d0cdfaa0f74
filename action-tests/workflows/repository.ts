// The wiring context of this repository: our actions from actions/<name>/action.yml, or from the
// contract (ACTIONS.md, next to the repository in ../shared/design/) while an action.yml does not
// exist yet; our workflows from .github/workflows/.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseContract, type ContractAction } from './contract.ts';
import type { ActionSpec, WiringContext } from './wiring.ts';

/** Where the contract is looked for: $DEPLOY_ACTIONS_CONTRACT, else ../shared/design/ACTIONS.md. */
export function contractPath(repoRoot: string): string {
  return process.env.DEPLOY_ACTIONS_CONTRACT ?? path.join(repoRoot, '..', 'shared', 'design', 'ACTIONS.md');
}

/** Reads an action.yml into a spec: an input is required when `required: true` and no default. */
export function actionSpecFromYaml(text: string): ActionSpec {
  const doc = (parse(text) ?? {}) as { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
  const inputs = new Map(
    Object.entries(doc.inputs ?? {}).map(([name, raw]) => {
      const input = (raw ?? {}) as { required?: unknown; default?: unknown };
      return [name, { required: input.required === true && input.default === undefined }] as const;
    })
  );
  return { source: 'action.yml', inputs, outputs: new Set(Object.keys(doc.outputs ?? {})) };
}

function specFromContract(action: ContractAction): ActionSpec {
  return { source: 'the contract', inputs: action.inputs, outputs: action.outputs };
}

export interface RepositoryContext extends WiringContext {
  /** "action.yml", "the contract", or undefined for an unknown action. */
  sourceOf(name: string): string | undefined;
}

/** Builds the context; the contract is read lazily, only if some action.yml is missing. */
export function repositoryContext(repoRoot: string): RepositoryContext {
  let contract: Map<string, ContractAction> | undefined;
  const readContract = () => {
    if (!contract) {
      const file = contractPath(repoRoot);
      contract = existsSync(file) ? parseContract(readFileSync(file, 'utf8')) : new Map();
    }
    return contract;
  };
  const action = (name: string): ActionSpec | undefined => {
    const file = path.join(repoRoot, 'actions', name, 'action.yml');
    if (existsSync(file)) return actionSpecFromYaml(readFileSync(file, 'utf8'));
    const promised = readContract().get(name);
    return promised ? specFromContract(promised) : undefined;
  };
  return {
    action,
    sourceOf: (name) => action(name)?.source,
    workflow(file) {
      const full = path.join(repoRoot, '.github', 'workflows', file);
      return existsSync(full) ? parse(readFileSync(full, 'utf8')) : undefined;
    }
  };
}
