import { createRequire } from 'node:module';

type ChildProcessModule = typeof import('node:child_process');

const requireBuiltin = createRequire(import.meta.url);
let childProcessModule: ChildProcessModule | undefined;

/**
 * `node:child_process`, loaded at its first use rather than at start: it
 * pulls in a dozen internal modules (dgram, socket lists, …) that would stay
 * resident in an agent that never runs a command (the agent's RSS budget is
 * 50 MiB, most of it Node itself).
 */
export function childProcess(): ChildProcessModule {
  childProcessModule ??= requireBuiltin('node:child_process') as ChildProcessModule;
  return childProcessModule;
}
