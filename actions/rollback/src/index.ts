// Entry point of the rollback bundle. No logic here: see main.ts.
import { run } from './main.ts';

await run();
