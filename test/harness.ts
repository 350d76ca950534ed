/**
 * Starts the real Lab Manager processes (built `bin/` entry points) on free
 * loopback ports with a temporary data dir, for integration and e2e tests.
 * Nothing here stands in for a component: each helper spawns the real one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';

export const ROOT = resolve(import.meta.dirname, '..');
export const BIN = {
  server: join(ROOT, 'packages/backend/bin/labmgr-server.js'),
  relay: join(ROOT, 'packages/relay/bin/labmgr-relay.js'),
  agent: join(ROOT, 'packages/agent/bin/labmgr-agent.js'),
};

export const ADMIN_PASSWORD = 'integration-test-password';

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export function tempDir(prefix = 'labmgr-it-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A spawned process whose output is kept for assertions and failure reports. */
export class Proc {
  readonly child: ChildProcess;
  private out = '';
  private exited: Promise<number | null>;

  constructor(
    readonly name: string,
    bin: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(
      process.execPath,
      [...(process.env.LABMGR_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? []), bin, ...args],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (chunk: Buffer) => {
      this.out += chunk.toString();
      if (this.out.length > 2_000_000) this.out = this.out.slice(-1_000_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((res) => this.child.once('exit', (code) => res(code)));
  }

  get output(): string {
    return this.out;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.out.match(pattern);
      if (m) return m;
      if (!this.running) throw new Error(`${this.name} exited before printing ${pattern}:\n${this.out}`);
      if (Date.now() > deadline)
        throw new Error(`${this.name} did not print ${pattern} in ${timeoutMs} ms:\n${this.out}`);
      await sleep(50);
    }
  }

  /**
   * SIGTERM, then SIGKILL if it has not exited in `graceMs` (LABMGR_STOP_GRACE_MS: a relay closing 10,000
   * agents takes longer than 5 s, and a `--cpu-prof` profile is written only on a clean exit). Resolves with
   * the exit code.
   */
  async stop(graceMs = Number(process.env.LABMGR_STOP_GRACE_MS ?? 5000)): Promise<number | null> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  kill(): Promise<number | null> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }

  wait(): Promise<number | null> {
    return this.exited;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `fn` until it returns a value other than undefined/false. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
    await sleep(100);
  }
}

/** Runs a CLI to completion and returns its output and exit code. */
export function runCli(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runProgram(process.execPath, [bin, ...args], env);
}

/** Runs a program to completion (no stdin) and returns its output and exit code. */
export function runProgram(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(file, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('exit', (code) => res({ code, stdout, stderr }));
  });
}

/** A signed-in API client (session cookie), as a browser would hold it. */
export class ApiClient {
  private cookie = '';

  constructor(readonly baseUrl: string) {}

  async login(username = 'admin', password = ADMIN_PASSWORD): Promise<Response> {
    const res = await fetch(`${this.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0] ?? '';
    return res;
  }

  get cookieHeader(): string {
    return this.cookie;
  }

  request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { cookie: this.cookie };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async json<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }
}

/** A relay started besides the first one, on its own port with its own service token. */
export interface ExtraRelay {
  /** The relay's name: its `--relay-id` and the name of its service token. */
  name: string;
  port: number;
  /** `ws://127.0.0.1:<port>/agent`, for `enrollAgent(name, { relayUrl })`. */
  relayUrl: string;
  proc: Proc;
}

export interface System {
  dataDir: string;
  backendUrl: string;
  relayPort: number;
  relayUrl: string;
  backend: Proc;
  relay: Proc | undefined;
  /** Name (`--relay-id`) of the relay `startRelay` started last. */
  relayName: string | undefined;
  /** Relays started with `startExtraRelay`, stopped with the system. */
  extraRelays: ExtraRelay[];
  agents: Proc[];
  api: ApiClient;
  /** Starts the relay with a fresh service token. */
  startRelay(env?: NodeJS.ProcessEnv): Promise<Proc>;
  /** Starts another relay under the same backend: own free port, own service token, `--relay-id name`. */
  startExtraRelay(name: string, env?: NodeJS.ProcessEnv): Promise<ExtraRelay>;
  /**
   * Where the backend reaches a relay's control API and with which token, as the
   * relay registered them (read from the SQLite database; undefined until it registered).
   */
  relayControl(name: string): { controlUrl: string; controlToken: string } | undefined;
  /**
   * Enrolls a new agent (own state dir) through the real CLI and returns its state dir and computer id.
   * `relayUrl` points the agent at another relay than the one the backend names at enrollment.
   */
  enrollAgent(name?: string, opts?: { relayUrl?: string }): Promise<{ stateDir: string; computerId: string }>;
  startAgent(stateDir: string, env?: NodeJS.ProcessEnv): Proc;
  /** Stops the backend (SIGKILL when `kill`), waits `downMs`, starts it again on the same port and data. */
  restartBackend(opts?: { kill?: boolean; downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the backend (SQLite in a temp dir unless DATABASE_URL is passed) and returns helpers for the rest. */
export async function startSystem(opts: { env?: NodeJS.ProcessEnv } = {}): Promise<System> {
  const dataDir = tempDir();
  const port = await freePort();
  const relayPort = await freePort();
  const backendUrl = `http://127.0.0.1:${port}`;
  const backendEnv = {
    LABMGR_DATA_DIR: dataDir,
    LABMGR_PORT: String(port),
    LABMGR_HOST: '127.0.0.1',
    LABMGR_RELAY_PORT: String(relayPort),
    LABMGR_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ...opts.env,
  };
  const backend = new Proc('backend', BIN.server, [], backendEnv);
  await backend.waitForOutput(/labmgr-server listening/);
  const api = new ApiClient(backendUrl);
  const login = await api.login();
  if (!login.ok) throw new Error(`admin login failed: ${login.status} ${await login.text()}`);

  /** A new relay service token, through the real CLI. */
  async function createRelayToken(name: string): Promise<string> {
    const r = await runCli(BIN.server, ['relay-token', 'create', '--name', name], {
      LABMGR_DATA_DIR: dataDir,
      ...opts.env,
    });
    const token = r.stdout.match(/token: (\S+)/)?.[1];
    if (!token) throw new Error(`relay-token create failed: ${r.stderr}`);
    return token;
  }

  /** Starts a relay with a fresh service token named `relayId` on `port` and waits for its /healthz. */
  async function launchRelay(
    procName: string,
    relayId: string,
    port: number,
    env: NodeJS.ProcessEnv,
  ): Promise<Proc> {
    const token = await createRelayToken(relayId);
    const proc = new Proc(procName, BIN.relay, [], {
      LABMGR_RELAY_PORT: String(port),
      LABMGR_RELAY_HOST: '127.0.0.1',
      LABMGR_BACKEND_URL: backendUrl,
      LABMGR_RELAY_TOKEN: token,
      LABMGR_RELAY_ID: relayId,
      // The relay's spool goes under the test's data dir, removed with it.
      LABMGR_DATA_DIR: dataDir,
      ...env,
    });
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
      15_000,
      `${procName} /healthz`,
    );
    return proc;
  }

  const system: System = {
    dataDir,
    backendUrl,
    relayPort,
    relayUrl: `ws://127.0.0.1:${relayPort}/agent`,
    backend,
    relay: undefined,
    relayName: undefined,
    extraRelays: [],
    agents: [],
    api,
    async startRelay(env = {}) {
      const name = `relay-${Math.random().toString(36).slice(2, 8)}`;
      const relay = await launchRelay('relay', name, relayPort, env);
      system.relay = relay;
      system.relayName = name;
      return relay;
    },
    async startExtraRelay(name, env = {}) {
      const port = await freePort();
      const proc = await launchRelay(name, name, port, env);
      const extra = { name, port, relayUrl: `ws://127.0.0.1:${port}/agent`, proc };
      system.extraRelays.push(extra);
      return extra;
    },
    relayControl(name) {
      const db = new SqliteDatabase(join(dataDir, 'labmgr.sqlite'), { readonly: true, fileMustExist: true });
      try {
        const row = db.prepare('SELECT control_url, control_token FROM relays WHERE name = ?').get(name) as
          | { control_url: string | null; control_token: string | null }
          | undefined;
        if (!row?.control_url || !row.control_token) return undefined;
        return { controlUrl: row.control_url, controlToken: row.control_token };
      } finally {
        db.close();
      }
    },
    async enrollAgent(name = 'agent', enrollOpts = {}) {
      const created = await api.json<{ token: string }>('POST', '/api/v1/enrollment-tokens', { uses: 1 });
      const stateDir = join(dataDir, `${name}-${Math.random().toString(36).slice(2, 8)}`);
      const r = await runCli(BIN.agent, [
        'enroll',
        '--server',
        backendUrl,
        '--token',
        created.token,
        '--state-dir',
        stateDir,
      ]);
      if (r.code !== 0) throw new Error(`enroll failed (${r.code}): ${r.stdout}${r.stderr}`);
      // `enroll` prints the new computer id alone on stdout.
      const computerId = r.stdout.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/)?.[0];
      if (!computerId) throw new Error(`enroll printed no computer id: ${r.stdout}`);
      if (enrollOpts.relayUrl) {
        // The agent connects where state.json says; rewriting the file keeps its mode (0600).
        const file = join(stateDir, 'state.json');
        const state = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        writeFileSync(file, `${JSON.stringify({ ...state, relayUrl: enrollOpts.relayUrl }, null, 2)}\n`);
      }
      return { stateDir, computerId };
    },
    startAgent(stateDir, env = {}) {
      const agent = new Proc('agent', BIN.agent, ['run', '--state-dir', stateDir], {
        LABMGR_AGENT_INTERVAL_MS: '1000',
        ...env,
      });
      system.agents.push(agent);
      return agent;
    },
    async restartBackend({ kill = false, downMs = 0 } = {}) {
      if (kill) await system.backend.kill();
      else await system.backend.stop();
      await sleep(downMs);
      system.backend = new Proc('backend', BIN.server, [], backendEnv);
      await system.backend.waitForOutput(/labmgr-server listening/);
      const again = await api.login();
      if (!again.ok) throw new Error(`admin login after restart failed: ${again.status}`);
    },
    async stop() {
      await Promise.all(system.agents.map((a) => a.stop()));
      await Promise.all(system.extraRelays.map((r) => r.proc.stop()));
      await system.relay?.stop();
      await system.backend.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return system;
}
