import { resolve } from 'node:path';
import { LOG_LEVELS, type LogLevel } from '../logging/logger.js';

/** Environment as the agent reads it; `process.env` in production, a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A setting has a value the agent cannot use; the CLI reports it and exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** @default './data' — shared with the relay and backend (public contract). */
export const DEFAULT_DATA_DIR = './data';
/** @default 5000 */
export const DEFAULT_INTERVAL_MS = 5000;
/** Faster sampling would cost more CPU than the footprint budget allows. */
export const MIN_INTERVAL_MS = 250;
/** One hour; anything longer is almost certainly a typo. */
export const MAX_INTERVAL_MS = 3_600_000;

export interface PathFlags {
  readonly dataDir?: string | undefined;
  readonly stateDir?: string | undefined;
}

/**
 * The directory holding `state.json`, `seq.json` and `status.json`.
 * Precedence: `--state-dir` > `LABMGR_AGENT_STATE_DIR` > (`--data-dir` >
 * `LABMGR_DATA_DIR` > `./data`) + `/agent`. Always absolute, so log lines and
 * `status` output name the real place.
 */
export function resolveStateDir(flags: PathFlags, env: Env, cwd: string = process.cwd()): string {
  const explicit = nonEmpty(flags.stateDir) ?? nonEmpty(env.LABMGR_AGENT_STATE_DIR);
  if (explicit) return resolve(cwd, explicit);
  const dataDir = nonEmpty(flags.dataDir) ?? nonEmpty(env.LABMGR_DATA_DIR) ?? DEFAULT_DATA_DIR;
  return resolve(cwd, dataDir, 'agent');
}

/** Sampling interval: `--interval-ms` > `LABMGR_AGENT_INTERVAL_MS` > 5000, within [250, 3600000]. */
export function resolveIntervalMs(flag: string | undefined, env: Env): number {
  const fromFlag = nonEmpty(flag);
  if (fromFlag !== undefined) return parseInterval(fromFlag, '--interval-ms');
  const fromEnv = nonEmpty(env.LABMGR_AGENT_INTERVAL_MS);
  if (fromEnv !== undefined) return parseInterval(fromEnv, 'LABMGR_AGENT_INTERVAL_MS');
  return DEFAULT_INTERVAL_MS;
}

/** `LABMGR_LOG_LEVEL`, default `info`. */
export function resolveLogLevel(env: Env): LogLevel {
  const raw = nonEmpty(env.LABMGR_LOG_LEVEL);
  if (raw === undefined) return 'info';
  const level = LOG_LEVELS.find((l) => l === raw.toLowerCase());
  if (!level)
    throw new ConfigError(`LABMGR_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${raw}")`);
  return level;
}

function parseInterval(raw: string, source: string): number {
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < MIN_INTERVAL_MS || value > MAX_INTERVAL_MS) {
    throw new ConfigError(
      `${source} must be a whole number of milliseconds from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS} (got "${raw}")`,
    );
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
