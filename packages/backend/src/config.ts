import { isIP } from 'node:net';
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
  /**
   * SQLite: `full` (acked samples survive a power loss) or `normal` (a process crash only; faster
   * on slow disks) (LABMGR_SQLITE_SYNCHRONOUS). @default 'full'
   */
  sqliteSynchronous: 'full' | 'normal';
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
  /**
   * Seconds a connection may take to send its request headers, TLS handshake included; slower ones
   * (slowloris) are closed (LABMGR_HEADERS_TIMEOUT_SEC). @default 10
   */
  headersTimeoutSec: number;
  /**
   * Connections whose first request or upgrade has not arrived yet; a new one beyond it is closed at
   * once (LABMGR_MAX_PENDING_CONNECTIONS; 0: no cap). @default 1000
   */
  maxPendingConnections: number;
  /** Of those, at most this many from one address (LABMGR_MAX_PENDING_PER_ADDRESS; 0: no such limit). @default 100 */
  maxPendingPerAddress: number;
  /**
   * Which reverse proxies' `X-Forwarded-*` headers to believe (LABMGR_TRUST_PROXY): none, a number
   * of hops in front of the server, or the proxies' addresses / CIDR ranges. @default false
   */
  trustProxy: TrustProxy;
}

/**
 * `false`: the socket's address is the client. A number: that many proxies
 * stand in front; the client is the address they appended last. A list: the
 * proxies' addresses, CIDR ranges or `loopback` / `linklocal` / `uniquelocal`;
 * the client is the right-most forwarded address that is not one of them.
 * Never "trust everything": the left-most X-Forwarded-For is whatever the client wrote.
 */
export type TrustProxy = false | number | string[];

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
  const config: ServerConfig = {
    dataDir: resolve(env.LABMGR_DATA_DIR || './data'),
    port: intSetting('LABMGR_PORT', env.LABMGR_PORT, 8080, 0, 65535),
    host: env.LABMGR_HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    sqliteSynchronous: sqliteSynchronousSetting(env.LABMGR_SQLITE_SYNCHRONOUS),
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
    headersTimeoutSec: intSetting('LABMGR_HEADERS_TIMEOUT_SEC', env.LABMGR_HEADERS_TIMEOUT_SEC, 10, 1, 300),
    maxPendingConnections: intSetting(
      'LABMGR_MAX_PENDING_CONNECTIONS',
      env.LABMGR_MAX_PENDING_CONNECTIONS,
      1000,
      0,
      1_000_000,
    ),
    maxPendingPerAddress: intSetting(
      'LABMGR_MAX_PENDING_PER_ADDRESS',
      env.LABMGR_MAX_PENDING_PER_ADDRESS,
      100,
      0,
      1_000_000,
    ),
    trustProxy: trustProxySetting(env.LABMGR_TRUST_PROXY),
    ...overrides,
  };
  checkRelayUrl(config);
  return config;
}

/**
 * LABMGR_RELAY_URL is what enrolling agents are told to connect to: a ws:// or
 * wss:// URL, and wss:// whenever this server serves HTTPS (agents that enroll
 * over TLS pin a certificate and never send their credential in clear).
 */
function checkRelayUrl(config: ServerConfig): void {
  const raw = config.relayUrl;
  if (raw === undefined) return;
  let protocol = '';
  try {
    protocol = new URL(raw).protocol;
  } catch {
    // Reported below.
  }
  if (protocol !== 'ws:' && protocol !== 'wss:') {
    throw new ConfigError(
      `LABMGR_RELAY_URL must be a ws:// or wss:// URL such as wss://relay.example.edu:8081/agent (got "${raw}")`,
    );
  }
  if (protocol === 'ws:' && config.tls.mode !== 'off') {
    throw new ConfigError(
      `LABMGR_RELAY_URL is "${raw}", but this server serves HTTPS: agents enrolling over TLS would send ` +
        "their credential to that relay in clear. Set LABMGR_RELAY_URL to the relay's wss:// URL " +
        '(e.g. wss://relay.example.edu:8081/agent)',
    );
  }
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

const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

export function trustProxySetting(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || value === '0' || value === 'false') return false;
  if (/^\d+$/.test(value)) {
    return intSetting('LABMGR_TRUST_PROXY', value, 0, 0, 20) || false;
  }
  if (value === 'true') {
    throw new ConfigError(
      'LABMGR_TRUST_PROXY=true would believe any X-Forwarded-For a client writes: give the number of proxies in front of the server (e.g. 1) or their addresses (e.g. 10.0.0.5,10.1.0.0/16)',
    );
  }
  const entries = value.split(',').map((e) => e.trim());
  for (const entry of entries) {
    if (!validProxyEntry(entry)) {
      throw new ConfigError(
        `LABMGR_TRUST_PROXY: "${entry}" is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal`,
      );
    }
  }
  return entries;
}

function validProxyEntry(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function sqliteSynchronousSetting(raw: string | undefined): 'full' | 'normal' {
  const value = raw?.trim().toLowerCase() || 'full';
  if (value !== 'full' && value !== 'normal') {
    throw new ConfigError(`LABMGR_SQLITE_SYNCHRONOUS must be "full" or "normal" (got "${raw}")`);
  }
  return value;
}
