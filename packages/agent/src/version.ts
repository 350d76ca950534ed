import { readFileSync } from 'node:fs';

/**
 * The agent's own version, read from its package.json at start-up. The file
 * sits one level above both `src/` (tests) and `dist/` (the built binary), so
 * the same relative URL works in both.
 */
export const AGENT_VERSION: string = readVersion();

function readVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') {
      return pkg.version;
    }
  } catch {
    // Fall through: a missing or broken package.json must not stop monitoring.
  }
  return '0.0.0';
}
