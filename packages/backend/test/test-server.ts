import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type ServerConfig } from '../src/config.js';
import { type RunningServer, startServer } from '../src/server.js';
import type { databases } from './databases.js';

export const ADMIN_PASSWORD = 'correct horse battery staple';

/**
 * The real server on a fresh database of `database`'s kind and a temporary
 * data dir, listening on a free loopback port; `close` removes both.
 * `overrides` replace settings (e.g. `agentPackageDir`).
 */
export async function startTestServer(
  database: (typeof databases)[number],
  overrides: Partial<ServerConfig> = {},
): Promise<{ server: RunningServer; config: ServerConfig; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'labmgr-api-'));
  const db = await database.create();
  const cfg = loadConfig({ LABMGR_DATA_DIR: dataDir, LABMGR_PORT: '0', LABMGR_HOST: '127.0.0.1' });
  const config = {
    ...cfg,
    databaseUrl: db.url,
    adminPassword: ADMIN_PASSWORD,
    webDir: join(dataDir, 'no-web'),
    ...overrides,
  };
  const server = await startServer(config, { logger: pino({ level: 'silent' }) });
  return {
    server,
    config,
    async close() {
      await server.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type Json = Record<string, unknown>;

/**
 * A JSON client of the server at `base()` (a function: suites learn the URL in
 * `beforeAll`): `api` answers status, parsed body and headers; `login` returns
 * the session cookie.
 */
export function jsonClient(base: () => string) {
  const api = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Json; headers: Headers }> => {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
  };
  const login = async (username: string, password: string): Promise<string> => {
    const res = await api('POST', '/api/v1/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login as ${username}: HTTP ${res.status}`);
    return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  };
  return {
    api,
    login,
    as: (cookie: string) => ({ cookie }),
    bearer: (token: string) => ({ authorization: `Bearer ${token}` }),
  };
}
