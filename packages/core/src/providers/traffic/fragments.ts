/** zod fragments more than one router (and rollback's redeploy-command) use. */
import { z } from 'zod';
import { splitCommandLine } from '../../exec/command-line.ts';

/** A command line split into arguments (no shell); `{weight}` is the only placeholder. */
export function commandLineArgs() {
  const expected =
    'a command line such as `nginx -s reload` (quotes group words; no shell is involved unless you write `sh -c "…"`; `{weight}` is the only placeholder)';
  return z.string({ error: expected }).transform((value, ctx) => {
    const argv = splitCommandLine(value);
    const unknownPlaceholder = /\{([A-Za-z_-]+)\}/.exec(value.replace(/\{weight\}/g, ''));
    if (!argv || argv.length === 0 || unknownPlaceholder) {
      ctx.addIssue({
        code: 'custom',
        message: unknownPlaceholder ? `${expected}; \`{${unknownPlaceholder[1]}}\` is not one` : expected
      });
      return z.NEVER;
    }
    return argv;
  });
}
