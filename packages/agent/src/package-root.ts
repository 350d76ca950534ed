import { fileURLToPath } from 'node:url';

/**
 * This package's root directory. This module sits one level below it in every
 * layout the agent runs from: `src/` (tests), `dist/` (tsc output) and
 * `dist/labmgr-agent.cjs` (the bundle), so one relative URL serves all three.
 */
export const PACKAGE_ROOT_URL = new URL('..', import.meta.url);

/** The binary a service runs: this package's own `bin/labmgr-agent.js`. */
export const AGENT_BIN_PATH = fileURLToPath(new URL('bin/labmgr-agent.js', PACKAGE_ROOT_URL));
