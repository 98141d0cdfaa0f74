// Entry point of the preflight-validate bundle. No logic here: see main.ts.
import { runAction } from '@deploy-actions/core';
import { run } from './main.ts';

await runAction('preflight-validate', (context) => run(context));
