// Entry point of the migrate-dry-run bundle. No logic here: relaunch.ts says why the action runs in
// a child Node started with V8 flags, main.ts what it does.
import { run } from './main.ts';
import { relaunchWithV8Flags } from './relaunch.ts';

if (!(await relaunchWithV8Flags())) await run();
