// Entry point of the canary-step post step (dist/canary-step/post.js). No logic here: see post-main.ts.
import { runAction } from '@deploy-actions/core';
import { runPost } from './post-main.ts';

await runAction('canary-step post', (context) => runPost(context));
