import type { Env } from '../config/config.js';

/** Where a command reads its environment and writes its output; the real process or a test double. */
export interface CliIo {
  readonly env: Env;
  readonly cwd: string;
  /** Where the config file is looked for when none is named. @default '/etc/labmgr/agent.json' */
  readonly defaultConfigPath?: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Exit codes: 0 ok, 1 the operation failed, 2 wrong usage or not enrolled. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

export interface Command {
  /** Shown by `--help` and after a usage error. */
  readonly usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Wraps the real process; `main.ts` uses it. */
export function processIo(): CliIo {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  };
}
