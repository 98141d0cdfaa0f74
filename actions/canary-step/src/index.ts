// Entry point of the canary-step bundle. No logic here: see main.ts.
import { runAction } from '@deploy-actions/core';
import { run } from './main.ts';

await runAction('canary-step', (context) => run(context));
