import type { CommandRequest } from './commands.js';

/**
 * The bytes the backend signs and the agent verifies (Ed25519): the command
 * as JSON with keys sorted at every level, so both sides agree byte for byte
 * whatever order a serializer writes keys in.
 */
export function canonicalCommandBytes(command: CommandRequest): Uint8Array {
  return new TextEncoder().encode(canonicalJson(command));
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
