#!/usr/bin/env node
// `npm run rehearse [-- --scenario NAME | --workflow FILE ...]`: installs what is missing, then runs
// the rehearsal (rehearsal/main.ts) under Node 24; see scripts/node24-entry.mjs.
import { runUnderNode24 } from './node24-entry.mjs';

runUnderNode24('rehearse', 'rehearsal/main.ts');
