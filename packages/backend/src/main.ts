import { parseArgs } from 'node:util';
import { createEnrollmentToken, createRelayToken, migrateCommand } from './cli/commands.js';
import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';

const HELP = `labmgr-server — the Lab Manager backend (REST API, live updates, web UI)

Usage:
  labmgr-server [serve]                       start the server (default)
  labmgr-server migrate                       apply database migrations and exit
  labmgr-server relay-token create --name N   register a relay; prints its service token once
  labmgr-server enrollment-token create [--uses N] [--expires-in SEC]
                                              create an agent enrollment token; prints it once
Options (each also read from the environment variable shown):
  --data-dir DIR     LABMGR_DATA_DIR      SQLite file, keys and state     (default ./data)
  --port N           LABMGR_PORT          HTTP port                        (default 8080)
  --host ADDR        LABMGR_HOST          listen address                   (default 0.0.0.0)
  --database-url U   DATABASE_URL         postgres://… selects PostgreSQL  (default SQLite)
                     LABMGR_SQLITE_SYNCHRONOUS  full: what is acked survives a power loss
                                          (default); normal: a process crash only
                     LABMGR_ADMIN_PASSWORD  first admin's password (random and printed once if unset)
                     LABMGR_RELAY_URL     relay URL handed to enrolling agents
                                          (default ws://<this host>:LABMGR_RELAY_PORT/agent)
                     LABMGR_RELAY_PORT    (default 8081)
                     LABMGR_WEB_DIR       built web UI (default packages/web/dist)
                     LABMGR_AGENT_PACKAGE_DIR  built agent offered for download at
                                          /api/v1/agent-package (default packages/agent)
                     LABMGR_OFFLINE_AFTER_SEC  silence before a computer shows offline (default 60)
                     LABMGR_LOG_LEVEL     (default info)
                     LABMGR_TLS=auto      serve HTTPS with a self-signed certificate made on first
                                          start in <data dir>/tls/ (agents pin its fingerprint)
                     LABMGR_TLS_HOSTS     extra names/addresses for that certificate (comma-separated)
                     LABMGR_TLS_CERT, LABMGR_TLS_KEY  serve HTTPS with this PEM certificate and key
                     LABMGR_HEADERS_TIMEOUT_SEC  seconds a connection may take to send its
                                          request headers (TLS handshake included; default 10)
                     LABMGR_MAX_PENDING_CONNECTIONS  connections still sending their first
                                          request at once; more are closed (default 1000; 0: no cap)
                     LABMGR_MAX_PENDING_PER_ADDRESS  of those, from one address (default 100)
                     LABMGR_TRUST_PROXY   reverse proxies whose X-Forwarded-For to believe: a hop
                                          count (1) or their addresses/CIDRs (10.0.0.5,10.1.0.0/16)
                                          (default: none; the socket's address is the client)
  -h, --help         show this help
`;

function fail(message: string, code = 2): never {
  process.stderr.write(`labmgr-server: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (err) {
    fail(`${(err as Error).message}\n\n${HELP}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const env = { ...process.env };
  if (values['data-dir']) env.LABMGR_DATA_DIR = values['data-dir'];
  if (values.port) env.LABMGR_PORT = values.port;
  if (values.host) env.LABMGR_HOST = values.host;
  if (values['database-url']) env.DATABASE_URL = values['database-url'];
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }

  const command = positionals.join(' ') || 'serve';
  switch (command) {
    case 'serve':
      return serve(config);
    case 'migrate':
      process.stdout.write(`${await migrateCommand(config)}\n`);
      return;
    case 'relay-token create': {
      if (!values.name) fail('relay-token create needs --name');
      const { relayId, token } = await createRelayToken(config, values.name);
      process.stdout.write(`relay id: ${relayId}\ntoken: ${token}\n`);
      return;
    }
    case 'enrollment-token create': {
      const uses = values.uses === undefined ? undefined : Number(values.uses);
      const expiresInSec = values['expires-in'] === undefined ? undefined : Number(values['expires-in']);
      const { token, expiresAt } = await createEnrollmentToken(config, { uses, expiresInSec });
      process.stdout.write(`token: ${token}\nexpires: ${expiresAt}\n`);
      return;
    }
    default:
      fail(`unknown command "${command}"\n\n${HELP}`);
  }
}

function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'database-url': { type: 'string' },
      name: { type: 'string' },
      uses: { type: 'string' },
      'expires-in': { type: 'string' },
    },
  });
}

async function serve(config: ReturnType<typeof loadConfig>): Promise<void> {
  const server = await startServer(config, {
    onAdminPassword: (password) => {
      const line = '='.repeat(72);
      process.stdout.write(
        `${line}\n  First admin created.  user: admin   password: ${password}\n` +
          `  This password is shown only once: keep it, or change it after signing in.\n${line}\n`,
      );
    },
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        process.stderr.write(`labmgr-server: error while stopping on ${signal}: ${String(err)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  fail(err instanceof Error ? err.message : String(err), 1);
});
