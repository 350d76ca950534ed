import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRelayToken } from '../src/cli/commands.js';
import { loadConfig } from '../src/config.js';
import { type RunningServer, startServer } from '../src/server.js';
import { databases } from './databases.js';

const PASSWORD = 'correct horse battery staple';
const CONTROL_TOKEN = 'c'.repeat(43);

interface Seen {
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

describe.each(databases)('relay control API on $name', (database) => {
  let server: RunningServer;
  let dataDir: string;
  let drop: () => Promise<void>;
  let base: string;
  let cookie = '';
  let relay: { authorization: string };
  let fakeRelay: Server;
  let fakeRelayUrl = '';
  const seen: Seen[] = [];
  let answer: { status: number; body: (s: Seen) => unknown } = {
    status: 200,
    body: (s) => ({ ...(s.body as object), computerId: s.url?.split('/')[4], status: 'delivered' }),
  };

  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function enroll(hostname: string): Promise<string> {
    const { token } = (await (await api('POST', '/api/v1/enrollment-tokens', {}, { cookie })).json()) as {
      token: string;
    };
    const res = await api('POST', '/api/v1/agents/enroll', { token, hostname });
    return ((await res.json()) as { computerId: string }).computerId;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'labmgr-relayctl-'));
    const db = await database.create();
    drop = db.drop;
    const cfg = {
      ...loadConfig({ LABMGR_DATA_DIR: dataDir, LABMGR_PORT: '0', LABMGR_HOST: '127.0.0.1' }),
      databaseUrl: db.url,
      adminPassword: PASSWORD,
      webDir: join(dataDir, 'no-web'),
    };
    server = await startServer(cfg, { logger: pino({ level: 'silent' }) });
    base = server.url;
    const login = await api('POST', '/api/v1/auth/login', { username: 'admin', password: PASSWORD });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    relay = { authorization: `Bearer ${(await createRelayToken(cfg, 'building-a')).token}` };

    fakeRelay = createServer(async (req, res) => {
      let text = '';
      for await (const chunk of req) text += String(chunk);
      const s = {
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        body: JSON.parse(text),
      };
      seen.push(s);
      res
        .writeHead(answer.status, { 'content-type': 'application/json' })
        .end(JSON.stringify(answer.body(s)));
    });
    fakeRelay.listen(0, '127.0.0.1');
    await once(fakeRelay, 'listening');
    fakeRelayUrl = `http://127.0.0.1:${(fakeRelay.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    fakeRelay?.closeAllConnections();
    fakeRelay?.close();
    await server?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const registration = () => ({
    relayId: 'relay-building-a',
    controlUrl: fakeRelayUrl,
    controlToken: CONTROL_TOKEN,
    version: '0.1.0',
    connectedAgents: 1,
  });

  it('lets only relays register, validating the body', async () => {
    expect((await api('POST', '/api/v1/internal/relays/register', registration())).status).toBe(401);
    expect((await api('POST', '/api/v1/internal/relays/register', registration(), { cookie })).status).toBe(
      403,
    );
    const bad = await api(
      'POST',
      '/api/v1/internal/relays/register',
      { ...registration(), controlToken: 'x' },
      relay,
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      'body.controlToken',
    );
    const ok = await api('POST', '/api/v1/internal/relays/register', registration(), relay);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ id: expect.any(String), name: 'building-a' });
  });

  it('lists relays for admins only, with the registration and never the control token', async () => {
    expect((await api('GET', '/api/v1/relays', undefined, relay)).status).toBe(403);
    const res = await api('GET', '/api/v1/relays', undefined, { cookie });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(CONTROL_TOKEN);
    const { items } = JSON.parse(text) as { items: Record<string, unknown>[] };
    expect(items).toEqual([
      expect.objectContaining({
        name: 'building-a',
        relayId: 'relay-building-a',
        controlUrl: fakeRelayUrl,
        version: '0.1.0',
        connectedAgents: 1,
        onlineComputers: 0,
        registeredAt: expect.any(String),
      }),
    ]);
  });

  it('switches a computer to live mode through the relay holding it', async () => {
    const unknown = '6c3f2a1e-1b2c-4d5e-8f90-1234567890ab';
    expect((await api('POST', `/api/v1/computers/${unknown}/live-mode`, {}, { cookie })).status).toBe(404);
    expect((await api('POST', `/api/v1/computers/${unknown}/live-mode`, {})).status).toBe(401);

    const computerId = await enroll('live-pc');
    const offline = await api('POST', `/api/v1/computers/${computerId}/live-mode`, {}, { cookie });
    expect(offline.status).toBe(409);
    expect(await offline.json()).toMatchObject({ error: { code: 'offline' } });

    await api(
      'POST',
      '/api/v1/internal/presence',
      { relayId: 'relay-building-a', events: [{ computerId, state: 'connected', at: Date.now() }] },
      relay,
    );
    const before = seen.length;
    const res = await api('POST', `/api/v1/computers/${computerId}/live-mode`, {}, { cookie });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; messageId: string };
    expect(body).toMatchObject({ computerId, status: 'delivered', messageId: expect.any(String) });
    expect(seen.slice(before)).toEqual([
      {
        method: 'POST',
        url: `/control/v1/agents/${computerId}/messages`,
        authorization: `Bearer ${CONTROL_TOKEN}`,
        body: {
          messageId: body.messageId,
          frame: { type: 'live-mode', intervalMs: 1000, ttlSec: 60 },
          ttlSec: 15,
        },
      },
    ]);
    const custom = await api(
      'POST',
      `/api/v1/computers/${computerId}/live-mode`,
      { intervalMs: 250, ttlSec: 5 },
      { cookie },
    );
    expect(custom.status).toBe(200);
    expect(seen.at(-1)?.body).toMatchObject({ frame: { intervalMs: 250, ttlSec: 5 }, ttlSec: 5 });
    expect(
      (await api('POST', `/api/v1/computers/${computerId}/live-mode`, { intervalMs: 10 }, { cookie })).status,
    ).toBe(400);

    const relays = (await (await api('GET', '/api/v1/relays', undefined, { cookie })).json()) as {
      items: { onlineComputers: number }[];
    };
    expect(relays.items[0]?.onlineComputers).toBe(1);

    // A relay that refuses the token (it restarted and has not registered yet) is reported, not hidden.
    answer = { status: 401, body: () => ({ error: { code: 'unauthorized', message: 'no' } }) };
    const refused = await api('POST', `/api/v1/computers/${computerId}/live-mode`, {}, { cookie });
    expect(refused.status).toBe(502);
    answer = { status: 200, body: (s) => ({ ...(s.body as object), computerId, status: 'queued' }) };
    const queued = await api('POST', `/api/v1/computers/${computerId}/live-mode`, {}, { cookie });
    expect(await queued.json()).toMatchObject({ status: 'queued' });
  });

  it('takes message-status reports from relays and pushes them to browsers', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/live`, {
      headers: { cookie, origin: base },
    });
    const events: { type: string }[] = [];
    // A frame is one event or an array of them.
    ws.on('message', (d) => events.push(...([JSON.parse(String(d))].flat() as { type: string }[])));
    await once(ws, 'open');
    await expect.poll(() => events.length).toBe(1);
    const item = {
      messageId: '00000000-0000-4000-8000-000000000001',
      computerId: '6c3f2a1e-1b2c-4d5e-8f90-1234567890ab',
      status: 'expired',
      at: Date.now(),
    };
    const body = { relayId: 'relay-building-a', items: [item] };
    expect((await api('POST', '/api/v1/internal/message-status', body, { cookie })).status).toBe(403);
    const bad = await api(
      'POST',
      '/api/v1/internal/message-status',
      { ...body, items: [{ ...item, status: 'lost' }] },
      relay,
    );
    expect(bad.status).toBe(400);
    expect((await api('POST', '/api/v1/internal/message-status', body, relay)).status).toBe(204);
    await expect
      .poll(() => events.filter((e) => e.type === 'message.status'))
      .toEqual([{ type: 'message.status', relayId: expect.any(String), ...item }]);
    ws.close();
  });
});
