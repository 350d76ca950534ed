#!/usr/bin/env node
// `npm start`: the whole system on this machine, as three separate processes
// exactly as they run in production (backend, relay, agent), with the local
// agent enrolled automatically so this computer monitors itself.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = {
  server: join(root, 'packages/backend/bin/labmgr-server.js'),
  relay: join(root, 'packages/relay/bin/labmgr-relay.js'),
  agent: join(root, 'packages/agent/bin/labmgr-agent.js'),
};
const dataDir = resolve(process.env.LABMGR_DATA_DIR || join(root, 'data'));
const port = Number(process.env.LABMGR_PORT || 8080);
const relayPort = Number(process.env.LABMGR_RELAY_PORT || 8081);
const env = {
  ...process.env,
  LABMGR_DATA_DIR: dataDir,
  LABMGR_PORT: String(port),
  LABMGR_RELAY_PORT: String(relayPort),
};
const serverUrl = `http://127.0.0.1:${port}`;
const children = [];
let stopping = false;

function say(line) {
  process.stdout.write(`[start] ${line}\n`);
}

function die(message) {
  process.stderr.write(`[start] ${message}\n`);
  stopAll(1);
}

function portInUse(p) {
  return new Promise((res) => {
    const sock = createConnection({ port: p, host: '127.0.0.1' });
    sock.once('connect', () => {
      sock.destroy();
      res(true);
    });
    sock.once('error', () => res(false));
  });
}

function cli(file, args) {
  const r = spawnSync(process.execPath, [file, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) die(`${args.slice(0, 2).join(' ')} failed:\n${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Starts a child with each output line prefixed by its name; `onLine` sees every line. */
function launch(name, file, args, extraEnv = {}, onLine = () => {}) {
  const child = spawn(process.execPath, [file, ...args], {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push({ name, child });
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (chunk) => {
      buf += chunk;
      let i = buf.indexOf('\n');
      while (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        onLine(line);
        process.stdout.write(`${pretty(name, line)}\n`);
        i = buf.indexOf('\n');
      }
    });
  }
  child.on('exit', (code, signal) => {
    // Ctrl-C reaches the children too; give our own SIGINT handler the first word.
    setTimeout(() => {
      if (!stopping) die(`${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
    }, 300);
  });
  return child;
}

const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name', 'svc']);

/** Renders a pino JSON line for a person at a terminal; other lines pass through. */
function pretty(name, line) {
  let rec;
  try {
    rec = JSON.parse(line);
  } catch {
    return `[${name}] ${line}`;
  }
  if (typeof rec !== 'object' || rec === null || typeof rec.msg !== 'string') return `[${name}] ${line}`;
  const time = new Date(rec.time ?? Date.now()).toLocaleTimeString();
  const fields = Object.entries(rec)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} [${name}] ${LEVELS[rec.level] ?? rec.level} ${rec.msg}${fields ? `  ${fields}` : ''}`;
}

async function waitFor(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  die(`${what} did not come up within ${timeoutMs / 1000} s`);
}

function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  // Agent first so it does not reconnect-loop, then relay (flushes), then backend.
  const order = ['agent', 'relay', 'server'];
  const stopNext = (i) => {
    if (i >= order.length) process.exit(code);
    const entry = children.find((c) => c.name === order[i]);
    if (!entry || entry.child.exitCode !== null || entry.child.signalCode !== null) return stopNext(i + 1);
    const timer = setTimeout(() => entry.child.kill('SIGKILL'), 8000);
    entry.child.once('exit', () => {
      clearTimeout(timer);
      stopNext(i + 1);
    });
    entry.child.kill('SIGTERM');
  };
  stopNext(0);
}

process.on('SIGINT', () => {
  say('stopping…');
  stopAll(0);
});
process.on('SIGTERM', () => stopAll(0));

const t0 = Date.now();
for (const [name, p] of [
  ['LABMGR_PORT', port],
  ['LABMGR_RELAY_PORT', relayPort],
]) {
  if (await portInUse(p)) die(`port ${p} is already in use; free it or set ${name}`);
}
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

// The local relay's service token, created once and kept in the data dir.
const tokenFile = join(dataDir, 'local-relay.token');
const dbFile = join(dataDir, 'labmgr.sqlite');
const usingSqlite = !process.env.DATABASE_URL;
if (!existsSync(tokenFile) || (usingSqlite && !existsSync(dbFile))) {
  const out = cli(bin.server, ['relay-token', 'create', '--name', `local-${hostname()}-${Date.now()}`]);
  const token = out.match(/token: (\S+)/)?.[1];
  if (!token) die(`could not read the relay token from: ${out}`);
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  chmodSync(tokenFile, 0o600);
}
const relayToken = readFileSync(tokenFile, 'utf8').trim();

let generatedPassword = null;
launch('server', bin.server, [], {}, (line) => {
  const m = line.match(/First admin created\.\s+user: admin\s+password: (\S+)/);
  if (m) generatedPassword = m[1];
});
await waitFor('the backend', async () => (await fetch(`${serverUrl}/api/v1/health`)).ok);

launch('relay', bin.relay, [], { LABMGR_RELAY_TOKEN: relayToken, LABMGR_BACKEND_URL: serverUrl });
await waitFor('the relay', async () => (await fetch(`http://127.0.0.1:${relayPort}/healthz`)).ok);

const stateDir = join(dataDir, 'agent');
if (!existsSync(join(stateDir, 'state.json'))) {
  const out = cli(bin.server, ['enrollment-token', 'create', '--uses', '1', '--expires-in', '600']);
  const token = out.match(/token: (\S+)/)?.[1];
  if (!token) die(`could not read the enrollment token from: ${out}`);
  cli(bin.agent, ['enroll', '--server', serverUrl, '--token', token, '--state-dir', stateDir]);
  say('enrolled the local agent');
}
launch('agent', bin.agent, ['run', '--state-dir', stateDir]);

const password = generatedPassword
  ? `${generatedPassword}   (generated now, shown once)`
  : process.env.LABMGR_ADMIN_PASSWORD
    ? '(the value of LABMGR_ADMIN_PASSWORD)'
    : '(the one printed when this data dir was first started)';
const line = '─'.repeat(64);
process.stdout.write(
  `\n${line}\n  Lab Manager is running (started in ${((Date.now() - t0) / 1000).toFixed(1)} s)\n\n` +
    `  Open       http://localhost:${port}\n` +
    `  User       admin\n  Password   ${password}\n\n` +
    `  Relay      ws://localhost:${relayPort}/agent   Data  ${dataDir}\n` +
    `  Plain HTTP on this machine only; see README for TLS.  Ctrl-C stops everything.\n${line}\n\n`,
);
