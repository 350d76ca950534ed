// What the agent bundle gives ws for `require('zlib')` (see bundle.mjs): node:zlib, loaded at the first
// property read. ws reads zlib only inside its permessage-deflate extension, which the agent turns off
// (connection/socket.ts), so the agent never loads it: ~0.5 MiB of resident memory it does not need.
'use strict';
let zlib;
module.exports = new Proxy(
  {},
  {
    get(_target, name) {
      zlib ??= require('node:zlib');
      return zlib[name];
    },
  },
);
