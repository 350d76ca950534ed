import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { childProcess } from '../lazy-builtins.js';

/** The outside world `install-service` touches besides files; tests pass a fake. */
export interface ServiceHost {
  /** Absolute path of an executable found on PATH, or null. */
  which(name: string): string | null;
  /** systemd is the running init (what `sd_booted()` checks). */
  systemdRunning(): boolean;
  run(argv: readonly string[]): Promise<{ code: number; output: string }>;
}

export function processServiceHost(env: Readonly<Record<string, string | undefined>>): ServiceHost {
  return {
    which(name) {
      for (const dir of (env.PATH ?? '').split(delimiter)) {
        if (dir === '') continue;
        const candidate = join(dir, name);
        try {
          accessSync(candidate, constants.X_OK);
          return candidate;
        } catch {
          // Not in this directory.
        }
      }
      return null;
    },
    systemdRunning: () => existsSync('/run/systemd/system'),
    run(argv) {
      const [file, ...args] = argv;
      return new Promise((resolve) => {
        childProcess().execFile(
          file ?? '',
          args,
          { env: { ...env }, timeout: 60_000 },
          (err, stdout, stderr) => {
            const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
            resolve({ code, output: `${stdout}${stderr}`.trim() || (err?.message ?? '') });
          },
        );
      });
    },
  };
}
