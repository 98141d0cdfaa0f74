// Entry point of the rollback bundle. No logic here: see main.ts.
import { runAction } from '@deploy-actions/core';
import { run } from './main.ts';

await runAction('rollback', (context) => run(context));
