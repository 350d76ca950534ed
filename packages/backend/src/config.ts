import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Everything the server reads from its environment, resolved once at start. */
export interface ServerConfig {
  /** @default './data' */
  dataDir: string;
  /** @default 8080 */
  port: number;
  /** @default '0.0.0.0' */
  host: string;
  /** Unset means SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  /** Password for the first admin; random and printed once when unset. */
  adminPassword: string | undefined;
  /** The relay URL handed to enrolling agents; by default derived from the request host and `relayPort`. */
  relayUrl: string | undefined;
  /** @default 8081 */
  relayPort: number;
  /** Built web UI to serve. */
  webDir: string;
  /** The built agent package whose files `/api/v1/agent-package` serves for download (LABMGR_AGENT_PACKAGE_DIR). */
  agentPackageDir: string;
  /** A computer with no news for this long is marked offline. @default 60 */
  offlineAfterSec: number;
  /** @default 'info' */
  logLevel: string;
  /** Raw metric samples are kept this long (LABMGR_RETENTION_RAW_HOURS). @default 48 */
  retentionRawHours: number;
  /** 1-minute metric rollups are kept this long (LABMGR_RETENTION_MINUTE_DAYS). @default 30 */
  retentionMinuteDays: number;
  /** 1-hour metric rollups are kept this long (LABMGR_RETENTION_HOUR_DAYS). @default 365 */
  retentionHourDays: number;
  /** HTTPS: off (plain HTTP), from certificate files, or a self-signed certificate made on first start. @default off */
  tls: TlsSetting;
}

/**
 * Where the server's certificate comes from (LABMGR_TLS, LABMGR_TLS_CERT,
 * LABMGR_TLS_KEY, LABMGR_TLS_HOSTS). With `auto`, `hosts` are the names and
 * addresses added to the certificate besides this machine's name and loopback.
 */
export type TlsSetting =
  | { mode: 'off' }
  | { mode: 'files'; certFile: string; keyFile: string }
  | { mode: 'auto'; hosts: string[] };

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export class ConfigError extends Error {}

function intSetting(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return n;
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<ServerConfig> = {},
): ServerConfig {
  return {
    dataDir: resolve(env.LABMGR_DATA_DIR || './data'),
    port: intSetting('LABMGR_PORT', env.LABMGR_PORT, 8080, 0, 65535),
    host: env.LABMGR_HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    adminPassword: env.LABMGR_ADMIN_PASSWORD || undefined,
    relayUrl: env.LABMGR_RELAY_URL || undefined,
    relayPort: intSetting('LABMGR_RELAY_PORT', env.LABMGR_RELAY_PORT, 8081, 1, 65535),
    webDir: resolve(env.LABMGR_WEB_DIR || resolve(packageDir, '../web/dist')),
    agentPackageDir: resolve(env.LABMGR_AGENT_PACKAGE_DIR || resolve(packageDir, '../agent')),
    offlineAfterSec: intSetting('LABMGR_OFFLINE_AFTER_SEC', env.LABMGR_OFFLINE_AFTER_SEC, 60, 5, 86_400),
    logLevel: env.LABMGR_LOG_LEVEL || 'info',
    retentionRawHours: intSetting(
      'LABMGR_RETENTION_RAW_HOURS',
      env.LABMGR_RETENTION_RAW_HOURS,
      48,
      1,
      24 * 3650,
    ),
    retentionMinuteDays: intSetting(
      'LABMGR_RETENTION_MINUTE_DAYS',
      env.LABMGR_RETENTION_MINUTE_DAYS,
      30,
      1,
      3650,
    ),
    retentionHourDays: intSetting(
      'LABMGR_RETENTION_HOUR_DAYS',
      env.LABMGR_RETENTION_HOUR_DAYS,
      365,
      1,
      36_500,
    ),
    tls: tlsSetting(env),
    ...overrides,
  };
}

function tlsSetting(env: NodeJS.ProcessEnv): TlsSetting {
  const mode = env.LABMGR_TLS || undefined;
  const certFile = env.LABMGR_TLS_CERT || undefined;
  const keyFile = env.LABMGR_TLS_KEY || undefined;
  if (mode !== undefined && mode !== 'auto' && mode !== 'off') {
    throw new ConfigError(`LABMGR_TLS must be "auto" or "off" (got "${mode}")`);
  }
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError('LABMGR_TLS_CERT and LABMGR_TLS_KEY go together: set both or neither');
  }
  if (certFile && keyFile) {
    if (mode === 'auto')
      throw new ConfigError(
        'LABMGR_TLS=auto makes its own certificate: unset it, or LABMGR_TLS_CERT and LABMGR_TLS_KEY',
      );
    return { mode: 'files', certFile: resolve(certFile), keyFile: resolve(keyFile) };
  }
  if (mode !== 'auto') return { mode: 'off' };
  const hosts = (env.LABMGR_TLS_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (const h of hosts) {
    if (!/^[A-Za-z0-9.:*-]{1,253}$/.test(h))
      throw new ConfigError(`LABMGR_TLS_HOSTS: "${h}" is not a host name or IP address`);
  }
  return { mode: 'auto', hosts };
}
