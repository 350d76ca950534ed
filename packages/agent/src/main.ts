import { runCli } from './cli/cli.js';
import { processIo } from './cli/io.js';

// No top-level await: the bundle is CommonJS (see scripts/bundle.mjs).
void runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
  // Everything should be closed by now; if a handle was leaked, do not let it
  // keep a stopped service hanging until its manager kills it.
  setTimeout(() => process.exit(code), 5000).unref();
});
