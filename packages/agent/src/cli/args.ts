/** The command line is wrong: the CLI prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Runs a `node:util` parseArgs call and turns its errors (unknown option,
 * missing value, stray positional) into a `UsageError` with a short message.
 */
export function parseOrUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      // Node appends a long hint after the first sentence; the usage text says it better.
      throw new UsageError(err.message.split('. ')[0] ?? err.message);
    }
    throw err;
  }
}

/** A required option's value, or a `UsageError` naming it. */
export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`missing required option ${flag}`);
  return value;
}

/** Options every command that touches the state directory accepts. */
export const pathOptions = {
  'state-dir': { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
