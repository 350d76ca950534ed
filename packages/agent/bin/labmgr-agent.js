#!/usr/bin/env node
// CommonJS on purpose (see ./package.json): an ES module entry loads Node's
// ESM loader, ~2.5 MiB of resident memory the agent does not otherwise need.
require('node:v8').setFlagsFromString('--max-opt=1');
// The agent runs from its single-file bundle (`npm run build` makes it); see scripts/bundle.mjs.
require('../dist/labmgr-agent.cjs');
