// Entry point of the health-gate bundle. No logic here: see main.ts.
import { runAction } from '@deploy-actions/core';
import { run } from './main.ts';

await runAction('health-gate', (context) => run(context));
