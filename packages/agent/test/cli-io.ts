import type { CliIo } from '../src/cli/io.js';
import type { Env } from '../src/config/config.js';

/** A CliIo that records output, for driving `runCli` in tests. */
export function captureIo(env: Env = {}, cwd = '/nonexistent') {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env,
    cwd,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
  };
  return {
    io,
    get stdout() {
      return out.join('\n');
    },
    get stderr() {
      return err.join('\n');
    },
  };
}
