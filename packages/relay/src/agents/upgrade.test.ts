import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import type { AgentAuthResponse } from '@labmgr/protocol';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { AgentAuthOutcome } from '../backend/backend-client.js';
import { AuthGate } from './auth-gate.js';
import { bearer, createUpgradeHandler } from './upgrade.js';

const agent: AgentAuthResponse = {
  computerId: '6c3f2a1e-1b2c-4d5e-8f90-1234567890ab',
  hostname: 'lab1-pc01',
};

type Attempt =
  | { opened: true; ws: WebSocket }
  | { opened: false; status: number | undefined; headers: IncomingHttpHeaders; body: unknown };

let server: Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (!s) return;
  s.closeAllConnections();
  await new Promise((resolve) => s.close(resolve));
});

async function start(authenticate: (credential: string) => Promise<AgentAuthOutcome>, closing = false) {
  const wss = new WebSocketServer({ noServer: true });
  const accepted: AgentAuthResponse[] = [];
  const credentials: string[] = [];
  server = createServer((_req, res) => res.writeHead(500).end());
  server.on(
    'upgrade',
    createUpgradeHandler({
      authenticate(credential) {
        credentials.push(credential);
        return authenticate(credential);
      },
      accept(req, socket, head, who) {
        accepted.push(who);
        wss.handleUpgrade(req, socket, head, () => {});
      },
      isClosing: () => closing,
      logger: pino({ level: 'silent' }),
    }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { port, accepted, credentials };
}

/** Opens a WebSocket and reports either success or the HTTP refusal. */
function attempt(port: number, headers: Record<string, string>, path = '/agent'): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    ws.on('open', () => resolve({ opened: true, ws }));
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += String(chunk);
      });
      res.on('end', () =>
        resolve({ opened: false, status: res.statusCode, headers: res.headers, body: JSON.parse(text) }),
      );
    });
    ws.on('error', reject);
  });
}

const auth = { authorization: 'Bearer good' };

describe('agent upgrade', () => {
  it('accepts an agent the backend knows and hands over its identity', async () => {
    const relay = await start(async () => ({ kind: 'accepted', agent }));
    const result = await attempt(relay.port, auth);
    expect(result.opened).toBe(true);
    if (result.opened) result.ws.close();
    expect(relay.credentials).toEqual(['good']);
    expect(relay.accepted).toEqual([agent]);
  });

  it('refuses a missing Authorization header with 401 without asking the backend', async () => {
    const relay = await start(async () => ({ kind: 'accepted', agent }));
    const result = await attempt(relay.port, {});
    expect(result).toMatchObject({ opened: false, status: 401, body: { error: { code: 'unauthorized' } } });
    expect(relay.credentials).toEqual([]);
  });

  it('refuses a credential the backend refuses with 401 and an error body', async () => {
    const relay = await start(async () => ({ kind: 'refused', status: 403, message: 'revoked' }));
    const result = await attempt(relay.port, auth);
    expect(result).toMatchObject({
      opened: false,
      status: 401,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: { error: { code: 'unauthorized', message: expect.any(String) } },
    });
    expect(relay.accepted).toEqual([]);
  });

  it('answers 503 with Retry-After when the backend cannot be asked', async () => {
    const relay = await start(async () => ({ kind: 'unavailable', reason: 'ECONNREFUSED' }));
    const result = await attempt(relay.port, auth);
    expect(result).toMatchObject({
      opened: false,
      status: 503,
      headers: { 'retry-after': '5' },
      body: { error: { code: 'unavailable', message: expect.stringContaining('backend') } },
    });
  });

  it('answers 404 for an upgrade on another path', async () => {
    const relay = await start(async () => ({ kind: 'accepted', agent }));
    const result = await attempt(relay.port, auth, '/other');
    expect(result).toMatchObject({ opened: false, status: 404, body: { error: { code: 'not_found' } } });
    expect(relay.credentials).toEqual([]);
  });

  it('answers 503 while the relay shuts down', async () => {
    const relay = await start(async () => ({ kind: 'accepted', agent }), true);
    const result = await attempt(relay.port, auth);
    expect(result).toMatchObject({ opened: false, status: 503 });
  });

  it('survives an agent that hangs up while its credential is being checked', async () => {
    let answer: (outcome: AgentAuthOutcome) => void = () => {};
    let asked: () => void = () => {};
    const askedPromise = new Promise<void>((resolve) => {
      asked = resolve;
    });
    let calls = 0;
    const relay = await start(async () => {
      calls += 1;
      if (calls > 1) return { kind: 'accepted', agent };
      return new Promise((resolve) => {
        answer = resolve;
        asked();
      });
    });
    const socket = connect(relay.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(
      'GET /agent HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
        'Authorization: Bearer good\r\n\r\n',
    );
    await askedPromise;
    socket.resetAndDestroy();
    await once(socket, 'close');
    answer({ kind: 'accepted', agent });
    // The relay still serves the next agent.
    const next = await attempt(relay.port, { authorization: 'Bearer other' });
    expect(next.opened).toBe(true);
    if (next.opened) next.ws.close();
    // Whether the first socket is seen as gone depends on the reset having been
    // read; if not, `ws` finds out on its first write (and a hello deadline applies).
  });
});

describe('bearer', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Bearer  abc ', 'abc'],
    ['Bearer', undefined],
    ['Basic abc', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ])('%j -> %j', (header, credential) => {
    expect(bearer(header)).toBe(credential);
  });
});

describe('AuthGate', () => {
  it('lets maxActive through, queues maxWaiting and turns the rest away', async () => {
    const gate = new AuthGate(1, 1);
    const first = await gate.enter();
    const second = gate.enter();
    await expect(gate.enter()).resolves.toBeUndefined();
    expect(first).toBeTypeOf('function');
    first?.();
    first?.(); // a second release must not free a second slot
    const release = await second;
    expect(release).toBeTypeOf('function');
    const third = gate.enter();
    await expect(gate.enter()).resolves.toBeUndefined();
    release?.();
    await expect(third).resolves.toBeTypeOf('function');
  });
});
