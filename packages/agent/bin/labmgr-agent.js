#!/usr/bin/env -S node --max-old-space-size=64 --max-semi-space-size=1
// Node's heap options (src/service/node-options.ts): the service definitions pass the same ones.
// CommonJS on purpose (see ./package.json): an ES module entry loads Node's
// ESM loader, ~2.5 MiB of resident memory the agent does not otherwise need.
// JavaScript runs in V8's interpreter only (no Sparkplug, Maglev or TurboFan): the agent's work is mostly
// system calls and built-ins, and side by side with Sparkplug on it costs the same CPU per sample, while
// Sparkplug's compiler (pages of the node binary) and its machine code kept ~1.3 MiB more resident.
require('node:v8').setFlagsFromString('--max-opt=0');
// The agent runs from its single-file bundle (`npm run build` makes it); see scripts/bundle.mjs.
require('../dist/labmgr-agent.cjs');
