// Entry point of the canary-step bundle. No logic here: see main.ts.
import { run } from './main.ts';

await run();
