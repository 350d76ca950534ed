import { runCli } from './cli/cli.js';
import { processIo } from './cli/io.js';

const code = await runCli(process.argv.slice(2), processIo());
process.exitCode = code;
// Everything should be closed by now; if a handle was leaked, do not let it
// keep a stopped service hanging until its manager kills it.
setTimeout(() => process.exit(code), 5000).unref();
