import { type ResolvedConfig, resolveConfig, type SettingFlags } from '../config/config.js';
import { SETTING_KEYS, SETTINGS } from '../config/settings.js';
import type { CliIo } from './io.js';

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

/** Options every command accepts: where the config file and the state directory are. */
export const pathOptions = {
  config: { type: 'string' },
  'state-dir': { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `run` takes every setting as a flag. */
export const settingOptions = {
  ...pathOptions,
  'interval-ms': { type: 'string' },
  'buffer-max-samples': { type: 'string' },
  'buffer-max-bytes': { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  policy: { type: 'string' },
} as const;

/** Resolves the settings from parsed flags, the environment and the config file. */
export function resolveFromArgs(values: Readonly<Record<string, unknown>>, io: CliIo): ResolvedConfig {
  const flags: Record<string, string | undefined> = {};
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  for (const key of SETTING_KEYS) flags[key] = text(values[SETTINGS[key].flag]);
  const settingFlags: SettingFlags = { ...flags, config: text(values.config) };
  return resolveConfig({
    flags: settingFlags,
    env: io.env,
    cwd: io.cwd,
    ...(io.defaultConfigPath === undefined ? {} : { defaultConfigPath: io.defaultConfigPath }),
  });
}
