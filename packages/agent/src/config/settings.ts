import { resolve } from 'node:path';
import { DEFAULT_BUFFER_MAX_BYTES } from '../buffer/disk-sample-store.js';
import { DEFAULT_BUFFER_CAPACITY } from '../buffer/sample-buffer.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../logging/logger.js';

/** A setting has a value the agent cannot use; the CLI reports it and exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Every setting of the agent, resolved (paths absolute). */
export interface AgentSettings {
  /** Shared with the relay and backend (public contract). @default './data' */
  readonly dataDir: string;
  /** Credential, sequence counter, sample journal, status. @default '<dataDir>/agent' */
  readonly stateDir: string;
  /** Sampling interval outside live mode. @default 5000 */
  readonly intervalMs: number;
  /** Unacked samples kept before the oldest is dropped. @default 10000 */
  readonly bufferMaxSamples: number;
  /** Bytes of unacked samples kept before the oldest is dropped. @default 64 MiB */
  readonly bufferMaxBytes: number;
  /** @default 'info' */
  readonly logLevel: LogLevel;
  /** `json` lines for services and log shippers, `pretty` for people. @default 'json' */
  readonly logFormat: LogFormat;
  /**
   * Local command policy file; undefined means `/etc/labmgr/policy.json` if it
   * exists, else everything correctly signed may run.
   */
  readonly policyFile: string | undefined;
}

export type SettingKey = keyof AgentSettings;

/** Faster sampling would cost more CPU than the footprint budget allows. */
export const MIN_INTERVAL_MS = 250;
/** One hour; anything longer is almost certainly a typo. */
export const MAX_INTERVAL_MS = 3_600_000;

export interface SettingSpec<K extends SettingKey> {
  /** Flag without the dashes, e.g. `interval-ms`. */
  readonly flag: string;
  readonly env: string;
  /** For the README table and `--help`. */
  readonly defaultText: string;
  /**
   * Turns a raw value (a string from a flag or the environment, any JSON
   * value from the config file) into the setting, or throws a ConfigError
   * naming `source`. `base` is the directory relative paths start from.
   */
  parse(raw: unknown, source: string, base: string): AgentSettings[K];
}

// One table drives flags, environment, the config file and defaults, so they cannot drift apart.
export const SETTINGS: { readonly [K in SettingKey]: SettingSpec<K> } = {
  dataDir: { flag: 'data-dir', env: 'LABMGR_DATA_DIR', defaultText: './data', parse: pathValue },
  stateDir: {
    flag: 'state-dir',
    env: 'LABMGR_AGENT_STATE_DIR',
    defaultText: '<data dir>/agent',
    parse: pathValue,
  },
  intervalMs: {
    flag: 'interval-ms',
    env: 'LABMGR_AGENT_INTERVAL_MS',
    defaultText: '5000',
    parse: (raw, source) => integer(raw, source, MIN_INTERVAL_MS, MAX_INTERVAL_MS, 'milliseconds'),
  },
  bufferMaxSamples: {
    flag: 'buffer-max-samples',
    env: 'LABMGR_AGENT_BUFFER_MAX_SAMPLES',
    defaultText: String(DEFAULT_BUFFER_CAPACITY),
    parse: (raw, source) => integer(raw, source, 1, 10_000_000, 'samples'),
  },
  bufferMaxBytes: {
    flag: 'buffer-max-bytes',
    env: 'LABMGR_AGENT_BUFFER_MAX_BYTES',
    defaultText: `${DEFAULT_BUFFER_MAX_BYTES} (64 MiB)`,
    parse: (raw, source) => integer(raw, source, 1024 * 1024, 2 ** 40, 'bytes'),
  },
  logLevel: {
    flag: 'log-level',
    env: 'LABMGR_LOG_LEVEL',
    defaultText: 'info',
    parse: (raw, source) => oneOf(LOG_LEVELS, raw, source),
  },
  logFormat: {
    flag: 'log-format',
    env: 'LABMGR_LOG_FORMAT',
    defaultText: 'json',
    parse: (raw, source) => oneOf(LOG_FORMATS, raw, source),
  },
  policyFile: {
    flag: 'policy',
    env: 'LABMGR_AGENT_POLICY',
    defaultText: '/etc/labmgr/policy.json if it exists',
    parse: pathValue,
  },
};

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** Defaults of everything but the two directories (the state dir's depends on the data dir). */
export const DEFAULTS = {
  dataDir: './data',
  intervalMs: 5000,
  bufferMaxSamples: DEFAULT_BUFFER_CAPACITY,
  bufferMaxBytes: DEFAULT_BUFFER_MAX_BYTES,
  logLevel: 'info',
  logFormat: 'json',
} as const satisfies Partial<AgentSettings>;

function pathValue(raw: unknown, source: string, base: string): string {
  if (typeof raw !== 'string' || raw.trim() === '')
    throw new ConfigError(`${source} must be a non-empty path`);
  return resolve(base, raw);
}

function integer(raw: unknown, source: string, min: number, max: number, unit: string): number {
  const value =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `${source} must be a whole number of ${unit} from ${min} to ${max} (got ${show(raw)})`,
    );
  }
  return value;
}

function oneOf<T extends string>(allowed: readonly T[], raw: unknown, source: string): T {
  const found = typeof raw === 'string' ? allowed.find((a) => a === raw.toLowerCase()) : undefined;
  if (found === undefined)
    throw new ConfigError(`${source} must be one of ${allowed.join(', ')} (got ${show(raw)})`);
  return found;
}

function show(raw: unknown): string {
  return typeof raw === 'string' ? `"${raw}"` : JSON.stringify(raw);
}
