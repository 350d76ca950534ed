import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT_URL } from './package-root.js';

/**
 * The agent's own version, read from its package.json at start-up.
 */
export const AGENT_VERSION: string = readVersion();

function readVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT_URL), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') {
      return pkg.version;
    }
  } catch {
    // Fall through: a missing or broken package.json must not stop monitoring.
  }
  return '0.0.0';
}
