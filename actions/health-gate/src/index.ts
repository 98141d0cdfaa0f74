// Entry point of the health-gate bundle. No logic here: see main.ts.
import { run } from './main.ts';

await run();
