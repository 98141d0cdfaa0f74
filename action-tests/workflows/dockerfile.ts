// A small Dockerfile reader for static checks (there is no Docker engine to build with here):
// instructions with continuation lines joined, grouped into stages, with the global ARG defaults
// substituted into FROM lines the way the builder does.

export interface Instruction {
  keyword: string;
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
}

export interface Stage {
  /** The image after FROM, with global ARG defaults substituted. */
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

export interface Dockerfile {
  globalArgs: Map<string, string>;
  stages: Stage[];
}

/** Parses a Dockerfile; comments, blank lines and parser directives are skipped. */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (pending === undefined && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (pending !== undefined && trimmed.startsWith('#')) return; // comments inside a continuation
    const piece = trimmed.endsWith('\\') ? trimmed.slice(0, -1) : trimmed;
    pending = pending
      ? { text: `${pending.text} ${piece}`, line: pending.line }
      : { text: piece, line: index + 1 };
    if (!trimmed.endsWith('\\')) {
      const match = /^(\S+)\s*([\s\S]*)$/.exec(pending.text.trim());
      if (match)
        instructions.push({
          keyword: (match[1] as string).toUpperCase(),
          args: (match[2] as string).trim(),
          line: pending.line
        });
      pending = undefined;
    }
  });

  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      const from = image.replace(
        /\$\{?(\w+)\}?/g,
        (whole, variable: string) => globalArgs.get(variable) ?? whole
      );
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage) {
      stage.instructions.push(instruction);
    } else if (instruction.keyword === 'ARG') {
      const [name = '', value = ''] = instruction.args.split('=', 2);
      globalArgs.set(name, value);
    }
  }
  return { globalArgs, stages };
}

/** The instructions of one keyword in a stage. */
export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

/** `KEY=value` pairs of ENV and ARG instructions (quotes removed). */
export function assignments(args: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const match of args.matchAll(/(\w+)=("[^"]*"|'[^']*'|\S*)/g)) {
    pairs.set(match[1] as string, (match[2] as string).replace(/^["']|["']$/g, ''));
  }
  return pairs;
}

/** The sources of a COPY/ADD (all but the last argument, flags skipped), and its flags. */
export function copySources(args: string): { sources: string[]; from: string | undefined } {
  const words = args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  return { sources: paths.slice(0, -1), from };
}
