// Entry point of the canary-step post step (dist/canary-step/post.js). No logic here: see post-main.ts.
import { run } from './post-main.ts';

await run();
