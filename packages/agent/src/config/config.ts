import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  type AgentSettings,
  ConfigError,
  DEFAULTS,
  SETTING_KEYS,
  SETTINGS,
  type SettingKey,
  type SettingSpec,
} from './settings.js';

export { type AgentSettings, ConfigError, MAX_INTERVAL_MS, MIN_INTERVAL_MS } from './settings.js';

/** Environment as the agent reads it; `process.env` in production, a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Read when neither `--config` nor `LABMGR_AGENT_CONFIG` names a file, and only if it exists. */
export const DEFAULT_CONFIG_PATH = '/etc/labmgr/agent.json';

/** Raw flag values by setting, as `parseArgs` returned them. */
export type SettingFlags = Partial<Record<SettingKey | 'config', string | undefined>>;

export interface ResolveInput {
  readonly flags: SettingFlags;
  readonly env: Env;
  readonly cwd: string;
  /** @default '/etc/labmgr/agent.json' */
  readonly defaultConfigPath?: string;
}

export interface ResolvedConfig {
  readonly settings: AgentSettings;
  /** The config file that was read, or null. */
  readonly configFile: string | null;
  /** The file was named by `--config` or `LABMGR_AGENT_CONFIG` (so a service must pass it on). */
  readonly configExplicit: boolean;
}

/**
 * Resolves every setting with flags > environment > config file > defaults.
 * Relative paths start at the working directory for flags and environment,
 * and at the file's own directory for the config file. The state dir falls
 * back to `<data dir>/agent` only when no source names it explicitly.
 *
 * @throws ConfigError for an unreadable or invalid config file, an unknown
 * key in it, or any bad value; the message names where the value came from.
 * @example resolveConfig({ flags: { intervalMs: '1000' }, env: process.env, cwd: process.cwd() })
 */
export function resolveConfig(input: ResolveInput): ResolvedConfig {
  const { flags, env, cwd } = input;
  const explicit = nonEmpty(flags.config) ?? nonEmpty(env.LABMGR_AGENT_CONFIG);
  const fallbackPath = input.defaultConfigPath ?? DEFAULT_CONFIG_PATH;
  const configFile =
    explicit !== undefined ? resolve(cwd, explicit) : existsSync(fallbackPath) ? fallbackPath : null;
  const file = configFile === null ? {} : readConfigFile(configFile);
  const fileBase = configFile === null ? cwd : dirname(configFile);

  const pick = <K extends SettingKey>(key: K): AgentSettings[K] | undefined => {
    const spec: SettingSpec<K> = SETTINGS[key];
    const flag = nonEmpty(flags[key]);
    if (flag !== undefined) return spec.parse(flag, `--${spec.flag}`, cwd);
    const fromEnv = nonEmpty(env[spec.env]);
    if (fromEnv !== undefined) return spec.parse(fromEnv, spec.env, cwd);
    if (Object.hasOwn(file, key)) return spec.parse(file[key], `${configFile}: "${key}"`, fileBase);
    return undefined;
  };

  const dataDir = pick('dataDir') ?? resolve(cwd, DEFAULTS.dataDir);
  const settings: AgentSettings = {
    dataDir,
    stateDir: pick('stateDir') ?? resolve(dataDir, 'agent'),
    intervalMs: pick('intervalMs') ?? DEFAULTS.intervalMs,
    bufferMaxSamples: pick('bufferMaxSamples') ?? DEFAULTS.bufferMaxSamples,
    bufferMaxBytes: pick('bufferMaxBytes') ?? DEFAULTS.bufferMaxBytes,
    logLevel: pick('logLevel') ?? DEFAULTS.logLevel,
    logFormat: pick('logFormat') ?? DEFAULTS.logFormat,
    policyFile: pick('policyFile'),
  };
  return { settings, configFile, configExplicit: explicit !== undefined };
}

/** Reads and checks the shape of a config file: a JSON object with known keys only. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? ` (${String(err.code)})` : '';
    throw new ConfigError(`cannot read config file ${path}${code}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      `config file ${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`config file ${path} must hold a JSON object`);
  }
  const record = Object.fromEntries(Object.entries(json));
  const unknown = Object.keys(record).filter((k) => !SETTING_KEYS.includes(k as SettingKey));
  if (unknown.length > 0) {
    throw new ConfigError(
      `config file ${path}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} ` +
        `(known: ${SETTING_KEYS.join(', ')})`,
    );
  }
  return record;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
