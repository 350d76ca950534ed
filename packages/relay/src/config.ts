import { hostname } from 'node:os';
import { parseArgs } from 'node:util';

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
    help: 'port of the agent WebSocket endpoint /agent and /healthz',
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
    lines.push(`${`  --${s.flag} ${s.placeholder}`.padEnd(28)}env ${s.env}`);
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
  const logLevel = raw('logLevel');

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
      logLevel: level,
    },
  };
}

function bad(source: string, value: string | undefined, expected: string): ConfigResult {
  return {
    kind: 'error',
    message: `Invalid ${source} ${JSON.stringify(value ?? '')}: expected ${expected}.`,
  };
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
