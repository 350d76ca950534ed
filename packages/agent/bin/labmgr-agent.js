#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--max-opt=1');
// The agent runs from its single-file bundle (`npm run build` makes it); see scripts/bundle.mjs.
await import('../dist/labmgr-agent.mjs');
