// The action contract (ACTIONS.md) as data: each action's input and output names, read the way
// ../shared/tools/contract-check.py reads them (the backticked names in the first cell of the first
// and second table under `## <action>`), plus what that script leaves out: which inputs are
// required (default cell "required"), and inputs a row names by reference to another action
// ("router inputs | same names as canary-step", "(config inputs as migrate-dry-run: `a`, `b`)").
// The wiring check falls back to it for actions whose action.yml does not exist yet.

/** What one action promises: input names (with required-ness) and output names. */
export interface ContractAction {
  inputs: Map<string, { required: boolean }>;
  outputs: Set<string>;
  /** Input names that come from a reference to another action's inputs, not from a first cell. */
  referenced: Set<string>;
}

const NAME = /`([a-z0-9-]+)`/g;

function cells(line: string): string[] {
  return line.split('|').slice(1, -1);
}

/**
 * Parses ACTIONS.md. Rows of the first table of a section are inputs, of the second outputs;
 * other tables are ignored, like contract-check.py does.
 */
export function parseContract(markdown: string): Map<string, ContractAction> {
  const actions = new Map<string, ContractAction>();
  const routerReferences: string[] = [];
  let current: ContractAction | undefined;
  let currentName = '';
  let table = -1;
  let inTable = false;
  for (const line of markdown.split(/\r?\n/)) {
    const heading = /^## ([a-z-]+)\s*$/.exec(line);
    if (heading?.[1] !== undefined) {
      currentName = heading[1];
      current = { inputs: new Map(), outputs: new Set(), referenced: new Set() };
      actions.set(currentName, current);
      table = -1;
      inTable = false;
      continue;
    }
    if (!current) continue;
    if (!line.startsWith('|')) {
      inTable = false;
      continue;
    }
    if (!inTable) {
      inTable = true;
      table += 1;
      continue; // the header row
    }
    const [first = '', second = '', third = ''] = cells(line);
    if (/^[\s:-]*$/.test(first)) continue; // the separator row
    const names = [...first.matchAll(NAME)].map((match) => match[1] as string);
    if (table === 0) {
      const required = second.trim() === 'required';
      for (const name of names) current.inputs.set(name, { required });
      // "(config inputs as migrate-dry-run: `working-directory`, `alembic-config`, `python`)"
      const listed = /inputs as [a-z-]+: ((?:`[a-z0-9-]+`(?:, )?)+)/.exec(`${second} ${third}`);
      for (const match of listed?.[1]?.matchAll(NAME) ?? []) {
        const name = match[1] as string;
        if (!current.inputs.has(name)) {
          current.inputs.set(name, { required: false });
          current.referenced.add(name);
        }
      }
      if (
        names.length === 0 &&
        /^\s*router inputs\s*$/.test(first) &&
        /same names as canary-step/.test(third)
      ) {
        routerReferences.push(currentName);
      }
    } else if (table === 1) {
      for (const name of names) current.outputs.add(name);
    }
  }
  // The canary-step router inputs: `router` and everything that configures one router.
  const canary = actions.get('canary-step');
  for (const name of routerReferences) {
    const action = actions.get(name);
    if (!action || !canary) continue;
    for (const input of canary.inputs.keys()) {
      if (
        (input === 'router' || input.startsWith('nginx-') || input === 'set-weight-command') &&
        !action.inputs.has(input)
      ) {
        action.inputs.set(input, { required: false });
        action.referenced.add(input);
      }
    }
  }
  return actions;
}
