import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtures, type IngestBatch } from '@labmgr/protocol';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEnrollmentToken, createRelayToken } from '../src/cli/commands.js';
import { loadConfig } from '../src/config.js';
import { type RunningServer, startServer } from '../src/server.js';
import { databases } from './databases.js';

const PASSWORD = 'correct horse battery staple';

describe.each(databases)('backend API on $name', (database) => {
  let server: RunningServer;
  let dataDir: string;
  let drop: () => Promise<void>;
  let base: string;
  let cookie = '';
  let relayToken = '';
  let cfg: ReturnType<typeof loadConfig>;
  const config = () => loadConfig({ LABMGR_DATA_DIR: dataDir, LABMGR_PORT: '0', LABMGR_HOST: '127.0.0.1' });

  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'labmgr-api-'));
    const db = await database.create();
    drop = db.drop;
    cfg = { ...config(), databaseUrl: db.url, adminPassword: PASSWORD, webDir: join(dataDir, 'no-web') };
    server = await startServer(cfg, { logger: pino({ level: 'silent' }) });
    base = server.url;
    const login = await api('POST', '/api/v1/auth/login', { username: 'admin', password: PASSWORD });
    expect(login.status).toBe(200);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    relayToken = (await createRelayToken({ ...cfg }, 'test-relay')).token;
  });

  afterAll(async () => {
    await server?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // PostgreSQL only (registered, not skipped, so the totals stay plain).
  if (database.name === 'postgres')
    it('keeps serving when PostgreSQL closes its idle connections (regression: an unhandled pool error ended the process)', async () => {
      // Open a few pooled connections, let them go idle, then have the server end them.
      await Promise.all([1, 2, 3].map(() => api('GET', '/api/v1/computers', undefined, { cookie })));
      const url = new URL(cfg.databaseUrl ?? '');
      const admin = new pg.Client({ connectionString: cfg.databaseUrl });
      await admin.connect();
      const killed = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [url.pathname.slice(1)],
      );
      await admin.end();
      expect(killed.rowCount).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 200));
      const res = await api('GET', '/api/v1/computers', undefined, { cookie });
      expect(res.status).toBe(200);
    });

  it('answers health without auth', async () => {
    const res = await api('GET', '/api/v1/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: database.name });
  });

  it('refuses wrong credentials with 401 and the error shape', async () => {
    const res = await api('POST', '/api/v1/auth/login', { username: 'admin', password: 'wrong' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: 'invalid_credentials', message: 'wrong username or password' },
    });
  });

  it('names the missing field in a 400', async () => {
    const res = await api('POST', '/api/v1/auth/login', { username: 'admin' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { fields: { field: string }[] } } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.fields[0]?.field).toBe('body.password');
  });

  it('locks out after repeated failures', async () => {
    for (let i = 0; i < 5; i++)
      await api('POST', '/api/v1/auth/login', { username: 'lockme', password: 'x' });
    const res = await api('POST', '/api/v1/auth/login', { username: 'lockme', password: 'x' });
    expect(res.status).toBe(429);
  });

  it('requires a session for the API and accepts the cookie', async () => {
    expect((await api('GET', '/api/v1/computers')).status).toBe(401);
    const res = await api('GET', '/api/v1/computers', undefined, { cookie });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ items: expect.any(Array), total: expect.any(Number) });
    const me = await api('GET', '/api/v1/auth/me', undefined, { cookie });
    expect(await me.json()).toMatchObject({ user: { username: 'admin', role: 'admin' } });
  });

  it('keeps relay tokens out of user routes and users out of internal routes', async () => {
    expect(
      (await api('GET', '/api/v1/computers', undefined, { authorization: `Bearer ${relayToken}` })).status,
    ).toBe(403);
    const res = await api('POST', '/api/v1/internal/agent-auth', { credential: 'x' }, { cookie });
    expect(res.status).toBe(403);
  });

  it('refuses a cross-origin write made with the session cookie', async () => {
    const res = await api(
      'POST',
      '/api/v1/enrollment-tokens',
      {},
      { cookie, origin: 'https://evil.example' },
    );
    expect(res.status).toBe(403);
  });

  it('enrolls once per use, authenticates the agent and stores its samples idempotently', async () => {
    const tokenRes = await api('POST', '/api/v1/enrollment-tokens', { uses: 1 }, { cookie });
    expect(tokenRes.status).toBe(201);
    const { token } = (await tokenRes.json()) as { token: string };
    const enroll = await api('POST', '/api/v1/agents/enroll', { token, hostname: 'lab1-pc01' });
    expect(enroll.status).toBe(200);
    const { computerId, credential, relayUrl, commandPublicKey } = (await enroll.json()) as {
      computerId: string;
      credential: string;
      relayUrl: string;
      commandPublicKey: string;
    };
    expect(relayUrl).toMatch(/^ws:\/\/.+:8081\/agent$/);
    // Agents pin this key and verify every command with it.
    expect(commandPublicKey).toBe(server.ctx.signer.publicKeyPem);
    expect((await api('POST', '/api/v1/agents/enroll', { token, hostname: 'again' })).status).toBe(401);

    const relay = { authorization: `Bearer ${relayToken}` };
    const auth = await api('POST', '/api/v1/internal/agent-auth', { credential }, relay);
    expect(await auth.json()).toEqual({ computerId, hostname: 'lab1-pc01' });
    expect(
      (await api('POST', '/api/v1/internal/agent-auth', { credential: 'lma_forged' }, relay)).status,
    ).toBe(401);

    const now = Date.now();
    const batch: IngestBatch = {
      relayId: 'test-relay',
      items: [
        { computerId, receivedAt: now, frame: { type: 'inventory', inventory: fixtures.inventory() } },
        {
          computerId,
          receivedAt: now,
          frame: { type: 'metrics', seq: 1, dropped: 0, sample: fixtures.sample(now - 2000, 10) },
        },
        {
          computerId,
          receivedAt: now,
          frame: { type: 'metrics', seq: 2, dropped: 0, sample: fixtures.sample(now - 1000, 20) },
        },
      ],
    };
    const first = await api('POST', '/api/v1/internal/ingest', batch, relay);
    expect(await first.json()).toEqual({ acks: [{ computerId, seq: 2 }] });
    // The relay re-sends after a lost ack: nothing is stored twice.
    const again = await api('POST', '/api/v1/internal/ingest', batch, relay);
    expect(again.status).toBe(200);

    const series = (await (
      await api('GET', `/api/v1/computers/${computerId}/metrics`, undefined, { cookie })
    ).json()) as {
      points: { seq: number; cpuPercent: number }[];
    };
    expect(series.points.map((p) => [p.seq, p.cpuPercent])).toEqual([
      [1, 10],
      [2, 20],
    ]);
    const detail = (await (
      await api('GET', `/api/v1/computers/${computerId}`, undefined, { cookie })
    ).json()) as Record<string, unknown>;
    expect(detail).toMatchObject({
      hostname: 'lab1-pc01',
      status: 'online',
      osName: 'Debian GNU/Linux 12',
      loggedInUsers: ['student'],
      metrics: { cpuPercent: 20 },
      inventory: { cpu: { cores: 6 } },
    });

    await api(
      'POST',
      '/api/v1/internal/presence',
      { relayId: 'r', events: [{ computerId, state: 'disconnected', at: Date.now(), reason: 'test' }] },
      relay,
    );
    const after = (await (
      await api('GET', `/api/v1/computers/${computerId}`, undefined, { cookie })
    ).json()) as { status: string };
    expect(after.status).toBe('offline');
  });

  it('rejects an ingest batch with a bad frame, naming the field', async () => {
    const res = await api(
      'POST',
      '/api/v1/internal/ingest',
      { relayId: 'r', items: [{ computerId: 'not-a-uuid', receivedAt: 1, frame: { type: 'metrics' } }] },
      { authorization: `Bearer ${relayToken}` },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      'body.items.0.computerId',
    );
  });

  it('returns 404 for an unknown computer and 400 for a malformed id', async () => {
    expect(
      (await api('GET', '/api/v1/computers/6c3f2a1e-1b2c-4d5e-8f90-1234567890ab', undefined, { cookie }))
        .status,
    ).toBe(404);
    expect((await api('GET', '/api/v1/computers/nope', undefined, { cookie })).status).toBe(400);
  });

  it('creates enrollment tokens from the CLI', async () => {
    const { token } = await createEnrollmentToken(cfg, { uses: 1 });
    expect(token).toMatch(/^lme_/);
  });

  it('pushes live events to a signed-in browser and refuses a foreign Origin', async () => {
    const wsUrl = `${base.replace('http', 'ws')}/api/v1/live`;
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl, { headers: { cookie, origin: 'https://evil.example' } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(refused).toBe(403);
    const anonymous = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(anonymous).toBe(401);

    const ws = new WebSocket(wsUrl, { headers: { cookie, origin: base } });
    const messages: { type: string }[] = [];
    // A frame is one event or an array of them.
    ws.on('message', (d) => messages.push(...([JSON.parse(String(d))].flat() as { type: string }[])));
    await new Promise((r) => ws.once('open', r));
    const tokenRes = await api('POST', '/api/v1/enrollment-tokens', {}, { cookie });
    const { token } = (await tokenRes.json()) as { token: string };
    const enrolled = (await (
      await api('POST', '/api/v1/agents/enroll', { token, hostname: 'live-pc' })
    ).json()) as { computerId: string };
    await expect.poll(() => messages.map((m) => m.type)).toEqual(['hello', 'computer.upsert']);

    // Its first sample brings it online: the whole summary; the next ones carry only the figures.
    const relay = { authorization: `Bearer ${relayToken}` };
    const ingest = (seq: number) =>
      api(
        'POST',
        '/api/v1/internal/ingest',
        {
          relayId: 'test-relay',
          items: [
            {
              computerId: enrolled.computerId,
              receivedAt: Date.now(),
              frame: { type: 'metrics', seq, dropped: 0, sample: fixtures.sample(Date.now(), 30) },
            },
          ],
        },
        relay,
      );
    expect((await ingest(1)).status).toBe(200);
    await expect.poll(() => messages.length).toBe(3);
    expect(messages[2]).toMatchObject({
      type: 'computer.upsert',
      computer: { id: enrolled.computerId, status: 'online', metrics: { cpuPercent: 30 } },
    });
    expect((await ingest(2)).status).toBe(200);
    await expect.poll(() => messages.length).toBe(4);
    expect(messages[3]).toMatchObject({ type: 'computer.metrics', computerId: enrolled.computerId });

    // Relay bodies that are not JSON get a 400 in the one error shape.
    const broken = await fetch(`${base}/api/v1/internal/ingest`, {
      method: 'POST',
      headers: { ...relay, 'content-type': 'application/json' },
      body: '{"relayId":',
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
    ws.close();
  });
});
