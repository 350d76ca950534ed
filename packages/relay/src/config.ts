import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { parseArgs } from 'node:util';
import { DEFAULT_SIDE_FILE_MAX_BYTES, MIN_SIDE_FILE_MAX_BYTES } from './forward/side-file.js';
import { LIMIT_DEFAULTS } from './limits/defaults.js';

/** Everything the relay process needs to start. */
export interface RelayConfig {
  /**
   * TCP port of the agent endpoint `/agent` and `/healthz`; 0 picks a free port.
   * @default 8081
   */
  port: number;
  /**
   * Interface to listen on.
   * @default '0.0.0.0'
   */
  host: string;
  /**
   * Base URL of the backend; the internal routes live under `/api/v1/internal/`.
   * @default 'http://127.0.0.1:8080'
   */
  backendUrl: string;
  /** The relay's service token, sent as `Authorization: Bearer` on every backend call. Required. */
  token: string;
  /**
   * Names this relay in batches and presence events (several relays may serve one backend).
   * @default `relay-${os.hostname()}`
   */
  relayId: string;
  /**
   * Base URL where the backend reaches this relay's control API (`/control/v1/...`),
   * sent in the relay's registration. Undefined: `http://<host>:<bound port>`
   * (loopback for a wildcard host).
   */
  controlUrl?: string | undefined;
  /**
   * Folder where agent data waits on disk while the backend is unreachable.
   * Undefined: no spool (in-process tests); `loadConfig` always sets it.
   * @default `<LABMGR_DATA_DIR or ./data>/relay-spool/<relayId>`
   */
  spoolDir?: string | undefined;
  /**
   * File (JSON lines) where agent frames the backend refused (4xx) are kept
   * instead of being stored. Undefined: refused frames are only logged
   * (in-process tests); `loadConfig` always sets it.
   * @default `<LABMGR_DATA_DIR or ./data>/relay-dead-letter/<relayId>.jsonl`
   */
  deadLetterFile?: string | undefined;
  /**
   * Size at which the dead-letter file and the spool's quarantine file are
   * each renamed to `<name>.1` (replacing the older one) and begun anew.
   * @default 64 MiB
   */
  sideFileMaxBytes?: number | undefined;
  /**
   * Bound on the spool's size on disk; when full, agents are asked to retry
   * later (they keep their own buffer). 0 turns the spool off.
   * @default 1 GiB
   */
  spoolMaxBytes?: number | undefined;
  /**
   * Agent frames queued in memory before new ones go to the spool (without a
   * spool: the bound of the queue).
   * @default 10_000
   */
  memoryQueueItems?: number | undefined;
  /** PEM certificate chain file; with `tlsKey` the relay serves https and wss. @default plain http/ws */
  tlsCert?: string | undefined;
  /** PEM private key file of `tlsCert`. */
  tlsKey?: string | undefined;
  /**
   * PEM certificate (its text) trusted for an https backend besides the
   * system CAs: the backend's own with LABMGR_TLS=auto. Read from `--backend-ca`.
   */
  backendCa?: string | undefined;
  /** Largest agent frame in bytes; larger: close 1009. @default 1 MiB */
  maxFrameBytes?: number | undefined;
  /** Sustained frames per second per agent; 0 turns the rate limit off. @default 50 */
  rateLimit?: number | undefined;
  /** Frames an agent may send at once above `rateLimit`. @default 500 */
  rateBurst?: number | undefined;
  /** Bytes waiting to be sent to one agent before it is closed as not reading (4413); 0: no limit. @default 4 MiB */
  maxSendBufferBytes?: number | undefined;
  /** Connections awaiting authentication or their hello; more get 503. 0: no cap. @default 1000 */
  maxUnauthenticated?: number | undefined;
  /** Connection attempts per client address per window; more get 429. 0: no limit. @default 600 */
  ipConnectLimit?: number | undefined;
  /** Window of `ipConnectLimit`, seconds. @default 60 */
  ipConnectWindowSec?: number | undefined;
  /** Seconds an accepted credential verdict is reused; 0: ask the backend every time. @default 30 */
  authCacheSec?: number | undefined;
  /**
   * File of the backend's accepted verdicts on agents this relay has seen
   * (hashed credentials, mode 0600), used only while the backend cannot be
   * asked. Undefined: none (in-process tests); `loadConfig` always sets it.
   * @default `<LABMGR_DATA_DIR or ./data>/relay-auth/<relayId>.json`
   */
  authStoreFile?: string | undefined;
  /**
   * Oldest stored verdict, seconds since the backend gave it, that lets an
   * agent in while the backend cannot be asked; 0 turns that off (and
   * deletes the file). @default 604800 (7 days)
   */
  authFallbackSec?: number | undefined;
  /**
   * Seconds a connection may take to send its request headers (TLS handshake
   * included); slower ones are closed. @default 10
   */
  headersTimeoutSec?: number | undefined;
  /**
   * TCP connections whose first request or upgrade has not arrived yet; a new
   * one beyond it is closed at once. 0: no cap. @default 2000
   */
  maxPendingConnections?: number | undefined;
  /** Of those, at most this many from one address. 0: no per-address limit. @default 250 */
  maxPendingPerAddress?: number | undefined;
  /**
   * Acks to one agent are coalesced: at most one per this many ms, carrying
   * the highest seq stored by then; 0 sends each at once. @default 1000
   */
  ackIntervalMs?: number | undefined;
  /** When set, `/metrics` requires `Authorization: Bearer <metricsToken>`. @default open */
  metricsToken?: string | undefined;
  /**
   * Lowest pino level written to stdout.
   * @default 'info'
   */
  logLevel: LogLevel;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What the command line asked for: run, print help, or refuse with a message (exit 2). */
export type ConfigResult =
  | { kind: 'config'; config: RelayConfig }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string };

export const DEFAULT_SPOOL_MAX_BYTES = 1024 ** 3;
export const DEFAULT_MEMORY_QUEUE_ITEMS = 10_000;
export const DEFAULT_ACK_INTERVAL_MS = 5000;

/** Longest relay id the protocol accepts (`IngestBatch.relayId`). */
const MAX_RELAY_ID = 128;

interface Setting {
  flag: string;
  env: string;
  placeholder: string;
  help: string;
  fallback: () => string | undefined;
  /** How `--help` shows the default when it depends on the machine. */
  defaultText?: string;
}

// One table drives parsing, env lookup and `--help`, so they cannot drift apart.
const SETTINGS = {
  port: {
    flag: 'port',
    env: 'LABMGR_RELAY_PORT',
    placeholder: '<port>',
    help: 'port of the agent WebSocket endpoint /agent, /healthz, /readyz and /metrics',
    fallback: () => '8081',
  },
  host: {
    flag: 'host',
    env: 'LABMGR_RELAY_HOST',
    placeholder: '<address>',
    help: 'interface to listen on',
    fallback: () => '0.0.0.0',
  },
  backendUrl: {
    flag: 'backend-url',
    env: 'LABMGR_BACKEND_URL',
    placeholder: '<url>',
    help: 'base URL of the backend (http or https)',
    fallback: () => 'http://127.0.0.1:8080',
  },
  token: {
    flag: 'token',
    env: 'LABMGR_RELAY_TOKEN',
    placeholder: '<token>',
    help: 'service token of this relay, created on the backend (required; prefer the\n      environment variable: command lines are visible to other users)',
    fallback: () => undefined,
  },
  relayId: {
    flag: 'relay-id',
    env: 'LABMGR_RELAY_ID',
    placeholder: '<id>',
    help: `name of this relay in batches and presence events (1-${MAX_RELAY_ID} characters)`,
    fallback: () => `relay-${hostname()}`.slice(0, MAX_RELAY_ID),
    defaultText: `relay-<hostname> (here: relay-${hostname()})`,
  },
  controlUrl: {
    flag: 'control-url',
    env: 'LABMGR_RELAY_CONTROL_URL',
    placeholder: '<url>',
    help: "base URL where the backend reaches this relay's control API /control/v1 (set it when the\n      backend runs on another machine)",
    fallback: () => undefined,
    defaultText: 'http://<host>:<port> (127.0.0.1 when listening on all interfaces)',
  },
  spoolDir: {
    flag: 'spool-dir',
    env: 'LABMGR_RELAY_SPOOL_DIR',
    placeholder: '<dir>',
    help: 'folder where agent data waits on disk while the backend is unreachable (one relay per folder)',
    fallback: () => undefined,
    defaultText: '<LABMGR_DATA_DIR or ./data>/relay-spool/<relay id>',
  },
  deadLetterFile: {
    flag: 'dead-letter-file',
    env: 'LABMGR_RELAY_DEAD_LETTER_FILE',
    placeholder: '<file>',
    help: 'file where agent frames the backend refuses (4xx) are kept, one JSON line each with the\n      reason, instead of being stored (the agent is acked past them once written)',
    fallback: () => undefined,
    defaultText: '<LABMGR_DATA_DIR or ./data>/relay-dead-letter/<relay id>.jsonl',
  },
  sideFileMaxBytes: {
    flag: 'side-file-max-bytes',
    env: 'LABMGR_RELAY_SIDE_FILE_MAX_BYTES',
    placeholder: '<bytes>',
    help: 'size at which the dead-letter file and the spool quarantine file are each renamed to\n      <name>.1 (replacing the older one) and begun anew, in bytes or with KiB, MiB, GiB (at least 1MiB)',
    fallback: () => `${DEFAULT_SIDE_FILE_MAX_BYTES / 1024 ** 2}MiB`,
  },
  spoolMaxBytes: {
    flag: 'spool-max-bytes',
    env: 'LABMGR_RELAY_SPOOL_MAX_BYTES',
    placeholder: '<bytes>',
    help: 'largest size of the spool on disk, in bytes or with KiB, MiB, GiB; agents are paced\n      from 90 % of it, and asked to retry later when it is full; 0 turns the spool off',
    fallback: () => '1GiB',
  },
  memoryQueueItems: {
    flag: 'memory-queue-items',
    env: 'LABMGR_RELAY_MEMORY_QUEUE_ITEMS',
    placeholder: '<n>',
    help: 'least pacing level: frames queued for the backend before agents that send are paused\n      (grows to 2 per connected agent); memory holds 4x it before frames go to the spool',
    fallback: () => String(DEFAULT_MEMORY_QUEUE_ITEMS),
  },
  tlsCert: {
    flag: 'tls-cert',
    env: 'LABMGR_RELAY_TLS_CERT',
    placeholder: '<file>',
    help: 'PEM certificate (chain) file; with --tls-key the relay serves https and wss',
    fallback: () => undefined,
    defaultText: '(none: plain http and ws)',
  },
  tlsKey: {
    flag: 'tls-key',
    env: 'LABMGR_RELAY_TLS_KEY',
    placeholder: '<file>',
    help: 'PEM private key file of --tls-cert',
    fallback: () => undefined,
    defaultText: '(none)',
  },
  backendCa: {
    flag: 'backend-ca',
    env: 'LABMGR_RELAY_BACKEND_CA',
    placeholder: '<file>',
    help: "PEM certificate to trust for an https backend besides the system CAs\n      (with LABMGR_TLS=auto: the backend data dir's tls/ca.crt)",
    fallback: () => undefined,
    defaultText: '(system CAs only)',
  },
  maxFrameBytes: {
    flag: 'max-frame-bytes',
    env: 'LABMGR_RELAY_MAX_FRAME_BYTES',
    placeholder: '<bytes>',
    help: 'largest agent frame, in bytes or with KiB/MiB; a larger one closes that agent (1009)',
    fallback: () => String(LIMIT_DEFAULTS.maxFrameBytes),
  },
  rateLimit: {
    flag: 'rate-limit',
    env: 'LABMGR_RELAY_RATE_LIMIT',
    placeholder: '<frames/s>',
    help: 'sustained frames per second per agent; over it the relay stops reading from that agent\n      for a while, and closes one that still floods (4429); 0 turns it off',
    fallback: () => String(LIMIT_DEFAULTS.rateLimit),
  },
  rateBurst: {
    flag: 'rate-burst',
    env: 'LABMGR_RELAY_RATE_BURST',
    placeholder: '<frames>',
    help: 'frames an agent may send at once above --rate-limit',
    fallback: () => String(LIMIT_DEFAULTS.rateBurst),
  },
  maxSendBufferBytes: {
    flag: 'max-send-buffer',
    env: 'LABMGR_RELAY_MAX_SEND_BUFFER',
    placeholder: '<bytes>',
    help: 'bytes waiting to be sent to one agent before it is closed as not reading (4413); 0: no limit',
    fallback: () => String(LIMIT_DEFAULTS.maxSendBufferBytes),
  },
  maxUnauthenticated: {
    flag: 'max-unauthenticated',
    env: 'LABMGR_RELAY_MAX_UNAUTHENTICATED',
    placeholder: '<count>',
    help: 'connections awaiting their credential check or hello; more are refused with 503; 0: no cap',
    fallback: () => String(LIMIT_DEFAULTS.maxUnauthenticated),
  },
  ipConnectLimit: {
    flag: 'ip-connect-limit',
    env: 'LABMGR_RELAY_IP_CONNECT_LIMIT',
    placeholder: '<count>',
    help: 'connection attempts per client address per --ip-connect-window; more get 429 with\n      Retry-After (a lab behind one NAT shares one address); 0 turns it off',
    fallback: () => String(LIMIT_DEFAULTS.ipConnectLimit),
  },
  ipConnectWindowSec: {
    flag: 'ip-connect-window',
    env: 'LABMGR_RELAY_IP_CONNECT_WINDOW',
    placeholder: '<seconds>',
    help: 'sliding window of --ip-connect-limit, in seconds (1-3600)',
    fallback: () => String(LIMIT_DEFAULTS.ipConnectWindowSec),
  },
  authCacheSec: {
    flag: 'auth-cache-sec',
    env: 'LABMGR_RELAY_AUTH_CACHE_SEC',
    placeholder: '<seconds>',
    help: "seconds the backend's acceptance of an agent credential is reused (0-600); refusals are\n      not cached; 0 asks the backend on every connection",
    fallback: () => String(LIMIT_DEFAULTS.authCacheSec),
  },
  authStoreFile: {
    flag: 'auth-store-file',
    env: 'LABMGR_RELAY_AUTH_STORE_FILE',
    placeholder: '<file>',
    help: "file keeping the backend's acceptance of agents this relay has seen (SHA-256 of each\n      credential, never the credential; mode 0600), for --auth-fallback-sec",
    fallback: () => undefined,
    defaultText: '<LABMGR_DATA_DIR or ./data>/relay-auth/<relay id>.json',
  },
  authFallbackSec: {
    flag: 'auth-fallback-sec',
    env: 'LABMGR_RELAY_AUTH_FALLBACK_SEC',
    placeholder: '<seconds>',
    help: 'while the backend cannot be asked (unreachable, timeout, 5xx), an agent it accepted\n      within this many seconds is let in on that stored verdict and checked again once the\n      backend answers (closed with 4401 if refused); a refused or revoked credential never is\n      (0-7776000); 0 turns this off and deletes the file',
    fallback: () => String(LIMIT_DEFAULTS.authFallbackSec),
  },
  headersTimeoutSec: {
    flag: 'headers-timeout',
    env: 'LABMGR_RELAY_HEADERS_TIMEOUT',
    placeholder: '<seconds>',
    help: 'seconds a connection may take to send its request headers or agent upgrade request, TLS\n      handshake included (1-300); a slower one is closed',
    fallback: () => String(LIMIT_DEFAULTS.headersTimeoutSec),
  },
  maxPendingConnections: {
    flag: 'max-pending-connections',
    env: 'LABMGR_RELAY_MAX_PENDING_CONNECTIONS',
    placeholder: '<count>',
    help: 'connections whose first request or upgrade has not arrived yet; a new one beyond it is\n      closed at once; 0: no cap',
    fallback: () => String(LIMIT_DEFAULTS.maxPendingConnections),
  },
  maxPendingPerAddress: {
    flag: 'max-pending-per-address',
    env: 'LABMGR_RELAY_MAX_PENDING_PER_ADDRESS',
    placeholder: '<count>',
    help: 'of those, at most this many from one address, so one host cannot fill the cap; 0: no\n      per-address limit',
    fallback: () => String(LIMIT_DEFAULTS.maxPendingPerAddress),
  },
  ackIntervalMs: {
    flag: 'ack-interval-ms',
    env: 'LABMGR_RELAY_ACK_INTERVAL_MS',
    placeholder: '<ms>',
    help: 'acks to one agent are coalesced: at most one per this many ms, carrying the highest\n      stored seq (0-60000); 0 acks each stored batch at once',
    fallback: () => String(DEFAULT_ACK_INTERVAL_MS),
  },
  metricsToken: {
    flag: 'metrics-token',
    env: 'LABMGR_RELAY_METRICS_TOKEN',
    placeholder: '<token>',
    help: 'when set, /metrics requires "Authorization: Bearer <token>"',
    fallback: () => undefined,
    defaultText: '(none: /metrics is open on the relay port)',
  },
  logLevel: {
    flag: 'log-level',
    env: 'LABMGR_LOG_LEVEL',
    placeholder: '<level>',
    help: `least severe log level written: ${LOG_LEVELS.join(', ')}`,
    fallback: () => 'info',
  },
} as const satisfies Record<keyof RelayConfig, Setting>;

type Key = keyof typeof SETTINGS;
const KEYS = Object.keys(SETTINGS) as Key[];

/** The `--help` text: every setting with its flag, environment variable and default. */
export function helpText(): string {
  const lines = [
    'Usage: labmgr-relay [options]',
    '',
    'Holds the WebSocket connections of Lab Manager agents and forwards their data to the backend.',
    'Each setting comes from its flag, else its environment variable, else its default.',
    '',
  ];
  for (const key of KEYS) {
    const s: Setting = SETTINGS[key];
    const fallback = s.fallback();
    const usage = `  --${s.flag} ${s.placeholder}`;
    // A long flag still gets a space before its variable.
    lines.push(`${usage.padEnd(27)} env ${s.env}`);
    lines.push(`      ${s.help}`);
    lines.push(`      default: ${s.defaultText ?? fallback ?? '(none, required)'}`);
  }
  lines.push(`${'  -h, --help'.padEnd(28)}print this text and exit`);
  lines.push(
    '',
    'Exit status: 0 after a clean shutdown (SIGINT/SIGTERM), 1 if it cannot start (e.g. port in use),',
    '2 for a missing or bad setting.',
  );
  return lines.join('\n');
}

/**
 * Resolves the configuration with flags > environment > defaults. Never throws
 * and never exits: `main.ts` decides what to print and the exit status.
 *
 * @example loadConfig(process.argv.slice(2), process.env)
 */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ConfigResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
      help: { type: 'boolean', short: 'h' },
    };
    for (const key of KEYS) options[SETTINGS[key].flag] = { type: 'string' };
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    return { kind: 'error', message: `${errorMessage(err)}\nRun "labmgr-relay --help" for the settings.` };
  }
  if (values.help === true) return { kind: 'help', text: helpText() };

  const raw = (key: Key): { value: string | undefined; source: string } => {
    const s: Setting = SETTINGS[key];
    const flag = values[s.flag];
    if (typeof flag === 'string') return { value: flag, source: `--${s.flag}` };
    const fromEnv = env[s.env];
    // An empty variable counts as unset, as shells and service files often leave them so.
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: s.env };
    return { value: s.fallback(), source: 'default' };
  };

  const port = raw('port');
  const host = raw('host');
  const backendUrl = raw('backendUrl');
  const token = raw('token');
  const relayId = raw('relayId');
  const controlUrl = raw('controlUrl');
  const spoolDir = raw('spoolDir');
  const deadLetterFile = raw('deadLetterFile');
  const sideFileMaxBytes = raw('sideFileMaxBytes');
  const authStoreFile = raw('authStoreFile');
  const spoolMaxBytes = raw('spoolMaxBytes');
  const memoryQueueItems = raw('memoryQueueItems');
  const logLevel = raw('logLevel');
  const limits = parseLimits(raw);
  if ('error' in limits) return limits.error;

  const portNumber = Number(port.value);
  if (!port.value || !/^\d+$/.test(port.value) || portNumber > 65_535) {
    return bad(port.source, port.value, 'a port number from 0 to 65535');
  }
  if (!host.value || host.value.trim() !== host.value) return bad(host.source, host.value, 'an address');
  if (!backendUrl.value || !isHttpUrl(backendUrl.value)) {
    return bad(backendUrl.source, backendUrl.value, 'an http:// or https:// URL');
  }
  if (!token.value) {
    return {
      kind: 'error',
      message:
        'No relay token: set LABMGR_RELAY_TOKEN (or pass --token). Create one on the backend; ' +
        'the relay uses it to authenticate itself and its agents.',
    };
  }
  if (!relayId.value || relayId.value.length > MAX_RELAY_ID || /\s/.test(relayId.value)) {
    return bad(relayId.source, relayId.value, `1-${MAX_RELAY_ID} characters without spaces`);
  }
  if (controlUrl.value !== undefined && !isHttpUrl(controlUrl.value)) {
    return bad(controlUrl.source, controlUrl.value, 'an http:// or https:// URL');
  }
  if (spoolDir.value !== undefined && spoolDir.value.trim() === '') {
    return bad(spoolDir.source, spoolDir.value, 'a folder');
  }
  if (authStoreFile.value !== undefined && authStoreFile.value.trim() === '') {
    return bad(authStoreFile.source, authStoreFile.value, 'a file path');
  }
  if (deadLetterFile.value !== undefined && deadLetterFile.value.trim() === '') {
    return bad(deadLetterFile.source, deadLetterFile.value, 'a file');
  }
  const sideFileBytes = parseBytes(sideFileMaxBytes.value);
  if (sideFileBytes === undefined || sideFileBytes < MIN_SIDE_FILE_MAX_BYTES || sideFileBytes > 1024 ** 4) {
    return bad(
      sideFileMaxBytes.source,
      sideFileMaxBytes.value,
      'a size from 1MiB to 1TiB, e.g. 67108864 or 64MiB',
    );
  }
  const spoolBytes = parseBytes(spoolMaxBytes.value);
  if (spoolBytes === undefined) {
    return bad(spoolMaxBytes.source, spoolMaxBytes.value, 'a size in bytes, e.g. 1073741824, 512MiB or 1GiB');
  }
  const memoryItems = Number(memoryQueueItems.value);
  if (
    !memoryQueueItems.value ||
    !/^\d+$/.test(memoryQueueItems.value) ||
    memoryItems < 1 ||
    memoryItems > 10_000_000
  ) {
    return bad(memoryQueueItems.source, memoryQueueItems.value, 'a whole number from 1 to 10000000');
  }
  const level = LOG_LEVELS.find((l) => l === logLevel.value);
  if (!level) return bad(logLevel.source, logLevel.value, `one of ${LOG_LEVELS.join(', ')}`);
  return {
    kind: 'config',
    config: {
      port: portNumber,
      host: host.value,
      backendUrl: backendUrl.value,
      token: token.value,
      relayId: relayId.value,
      spoolDir: resolve(spoolDir.value ?? defaultSpoolDir(env, relayId.value)),
      deadLetterFile: resolve(deadLetterFile.value ?? defaultDeadLetterFile(env, relayId.value)),
      sideFileMaxBytes: sideFileBytes,
      authStoreFile: resolve(authStoreFile.value ?? defaultAuthStoreFile(env, relayId.value)),
      spoolMaxBytes: spoolBytes,
      memoryQueueItems: memoryItems,
      ...(controlUrl.value === undefined ? {} : { controlUrl: controlUrl.value }),
      ...limits.config,
      logLevel: level,
    },
  };
}

type LimitKey =
  | 'tlsCert'
  | 'tlsKey'
  | 'backendCa'
  | 'maxFrameBytes'
  | 'rateLimit'
  | 'rateBurst'
  | 'maxSendBufferBytes'
  | 'maxUnauthenticated'
  | 'ipConnectLimit'
  | 'ipConnectWindowSec'
  | 'authCacheSec'
  | 'authFallbackSec'
  | 'headersTimeoutSec'
  | 'maxPendingConnections'
  | 'maxPendingPerAddress'
  | 'ackIntervalMs'
  | 'metricsToken';

/** The TLS, limit and metrics settings, validated. */
function parseLimits(
  raw: (key: Key) => { value: string | undefined; source: string },
): { config: Pick<RelayConfig, LimitKey> } | { error: ConfigResult } {
  const whole = (key: LimitKey, min: number, max: number): number | ConfigResult => {
    const { value, source } = raw(key);
    const n = Number(value);
    if (!value || !/^\d+$/.test(value) || n < min || n > max) {
      return bad(source, value, `a whole number from ${min} to ${max}`);
    }
    return n;
  };
  const bytes = (key: LimitKey, min: number, max: number): number | ConfigResult => {
    const { value, source } = raw(key);
    const n = parseBytes(value);
    if (n === undefined || n < min || n > max) {
      return bad(source, value, `a size from ${min} to ${max} bytes (e.g. 4MiB)`);
    }
    return n;
  };
  const maxFrameBytes = bytes('maxFrameBytes', 1024, 256 * 1024 ** 2);
  if (typeof maxFrameBytes !== 'number') return { error: maxFrameBytes };
  const rateLimit = whole('rateLimit', 0, 1_000_000);
  if (typeof rateLimit !== 'number') return { error: rateLimit };
  const rateBurst = whole('rateBurst', 1, 10_000_000);
  if (typeof rateBurst !== 'number') return { error: rateBurst };
  const maxSendBufferBytes = bytes('maxSendBufferBytes', 0, 1024 ** 3);
  if (typeof maxSendBufferBytes !== 'number') return { error: maxSendBufferBytes };
  const maxUnauthenticated = whole('maxUnauthenticated', 0, 1_000_000);
  if (typeof maxUnauthenticated !== 'number') return { error: maxUnauthenticated };
  const ipConnectLimit = whole('ipConnectLimit', 0, 10_000_000);
  if (typeof ipConnectLimit !== 'number') return { error: ipConnectLimit };
  const ipConnectWindowSec = whole('ipConnectWindowSec', 1, 3600);
  if (typeof ipConnectWindowSec !== 'number') return { error: ipConnectWindowSec };
  const authCacheSec = whole('authCacheSec', 0, 600);
  if (typeof authCacheSec !== 'number') return { error: authCacheSec };
  const authFallbackSec = whole('authFallbackSec', 0, 90 * 24 * 3600);
  if (typeof authFallbackSec !== 'number') return { error: authFallbackSec };
  const headersTimeoutSec = whole('headersTimeoutSec', 1, 300);
  if (typeof headersTimeoutSec !== 'number') return { error: headersTimeoutSec };
  const maxPendingConnections = whole('maxPendingConnections', 0, 1_000_000);
  if (typeof maxPendingConnections !== 'number') return { error: maxPendingConnections };
  const maxPendingPerAddress = whole('maxPendingPerAddress', 0, 1_000_000);
  if (typeof maxPendingPerAddress !== 'number') return { error: maxPendingPerAddress };
  const ackIntervalMs = whole('ackIntervalMs', 0, 60_000);
  if (typeof ackIntervalMs !== 'number') return { error: ackIntervalMs };

  const cert = raw('tlsCert');
  const key = raw('tlsKey');
  if ((cert.value === undefined) !== (key.value === undefined)) {
    const missing = cert.value === undefined ? SETTINGS.tlsCert : SETTINGS.tlsKey;
    return {
      error: {
        kind: 'error',
        message: `TLS needs both a certificate and a key: also set --${missing.flag} (or ${missing.env}).`,
      },
    };
  }
  if (cert.value !== undefined && key.value !== undefined) {
    const files: Array<[{ value: string | undefined; source: string }, string]> = [];
    for (const setting of [cert, key]) {
      try {
        files.push([setting, readFileSync(setting.value ?? '', 'utf8')]);
      } catch (err) {
        return {
          error: {
            kind: 'error',
            message: `Cannot read ${setting.source} ${JSON.stringify(setting.value)}: ${errorMessage(err)}.`,
          },
        };
      }
    }
    try {
      createSecureContext({ cert: files[0]?.[1], key: files[1]?.[1] });
    } catch (err) {
      return {
        error: {
          kind: 'error',
          message: `Invalid TLS certificate or key (${cert.source} ${JSON.stringify(cert.value)}, ${key.source} ${JSON.stringify(key.value)}): ${errorMessage(err)}.`,
        },
      };
    }
  }
  const backendCa = raw('backendCa');
  let backendCaPem: string | undefined;
  if (backendCa.value !== undefined) {
    try {
      backendCaPem = readFileSync(backendCa.value, 'utf8');
      new X509Certificate(backendCaPem);
    } catch (err) {
      return {
        error: {
          kind: 'error',
          message: `Invalid ${backendCa.source} ${JSON.stringify(backendCa.value)}: expected a readable PEM certificate (${errorMessage(err)}).`,
        },
      };
    }
  }
  const metricsToken = raw('metricsToken');
  return {
    config: {
      maxFrameBytes,
      rateLimit,
      rateBurst,
      maxSendBufferBytes,
      maxUnauthenticated,
      ipConnectLimit,
      ipConnectWindowSec,
      authCacheSec,
      authFallbackSec,
      headersTimeoutSec,
      maxPendingConnections,
      maxPendingPerAddress,
      ackIntervalMs,
      ...(cert.value === undefined ? {} : { tlsCert: cert.value, tlsKey: key.value }),
      ...(backendCaPem === undefined ? {} : { backendCa: backendCaPem }),
      ...(metricsToken.value === undefined ? {} : { metricsToken: metricsToken.value }),
    },
  };
}

function bad(source: string, value: string | undefined, expected: string): ConfigResult {
  return {
    kind: 'error',
    message: `Invalid ${source} ${JSON.stringify(value ?? '')}: expected ${expected}.`,
  };
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  B: 1,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3,
  TIB: 1024 ** 4,
};

/** `1073741824`, `512MiB`, `1 GiB` -> bytes; undefined when not a size. */
function parseBytes(value: string | undefined): number | undefined {
  const match = /^(\d+)\s*([KMGT]iB|B)?$/i.exec(value?.trim() ?? '');
  const unit = BYTE_UNITS[(match?.[2] ?? '').toUpperCase()];
  if (!match?.[1] || unit === undefined) return undefined;
  const bytes = Number(match[1]) * unit;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** The relay id made safe as one folder name (it may hold `/` or be `..`). */
function defaultSpoolDir(env: NodeJS.ProcessEnv, relayId: string): string {
  return join(env.LABMGR_DATA_DIR || './data', 'relay-spool', safeName(relayId));
}

function defaultAuthStoreFile(env: NodeJS.ProcessEnv, relayId: string): string {
  return join(env.LABMGR_DATA_DIR || './data', 'relay-auth', `${safeName(relayId)}.json`);
}

function safeName(relayId: string): string {
  return relayId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+$/, '_');
}

/** Named like the relay's spool folder (the relay id made safe as a file name). */
function defaultDeadLetterFile(env: NodeJS.ProcessEnv, relayId: string): string {
  const name = basename(defaultSpoolDir(env, relayId));
  return join(env.LABMGR_DATA_DIR || './data', 'relay-dead-letter', `${name}.jsonl`);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
