#!/usr/bin/env node
// `npm run demo [-- --bad-canary] [-- --out FILE]`: installs what is missing, then runs the
// production rehearsal (demo/main.ts) under Node 24; see scripts/node24-entry.mjs.
import { runUnderNode24 } from './node24-entry.mjs';

runUnderNode24('demo', 'demo/main.ts');
