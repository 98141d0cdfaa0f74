// Entry point of the preflight-validate bundle. No logic here: see main.ts.
import { run } from './main.ts';

await run();
