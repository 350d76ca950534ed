import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixtures, type IngestBatch } from '@labmgr/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackendClient, encodeIngestBatch, type ForwardBatch, retryAfterMs } from './backend-client.js';

const computerId = '6c3f2a1e-1b2c-4d5e-8f90-1234567890ab';
const frame = { type: 'metrics', seq: 1, sample: fixtures.sample(), dropped: 0 } as const;
const batch: ForwardBatch = {
  relayId: 'r1',
  items: [{ computerId, receivedAt: 1, text: JSON.stringify(frame) }],
};
/** What the backend receives for `batch`. */
const ingestBody: IngestBatch = { relayId: 'r1', items: [{ computerId, receivedAt: 1, frame }] };

interface Seen {
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

let server: Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (!s) return;
  s.closeAllConnections();
  await new Promise((resolve) => s.close(resolve));
});

/** Serves each request with `answer`, recording what the client sent. */
async function backend(answer: (res: ServerResponse, seen: Seen) => void) {
  const seen: Seen[] = [];
  server = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const s = {
      method: req.method,
      url: req.url,
      authorization: req.headers.authorization,
      body: JSON.parse(text),
    };
    seen.push(s);
    answer(res, s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { seen, url: `http://127.0.0.1:${port}` };
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const unauthorized = { error: { code: 'unauthorized', message: 'credential revoked' } };

describe('backend client', () => {
  it('asks agent-auth with the relay token and returns the identity', async () => {
    const b = await backend((res) => json(res, 200, { computerId, hostname: 'lab1-pc01' }));
    const client = createBackendClient({ backendUrl: b.url, token: 'relay-token' });
    await expect(client.authenticateAgent('cred')).resolves.toEqual({
      kind: 'accepted',
      agent: { computerId, hostname: 'lab1-pc01' },
    });
    expect(b.seen).toEqual([
      {
        method: 'POST',
        url: '/api/v1/internal/agent-auth',
        authorization: 'Bearer relay-token',
        body: { credential: 'cred' },
      },
    ]);
  });

  it('keeps a path prefix of the backend URL', async () => {
    const b = await backend((res) => res.writeHead(204).end());
    const client = createBackendClient({ backendUrl: `${b.url}/labmgr`, token: 't' });
    await client.presence({ relayId: 'r1', events: [{ computerId, state: 'connected', at: 1 }] });
    expect(b.seen[0]?.url).toBe('/labmgr/api/v1/internal/presence');
  });

  it.each([401, 403])('reports %i from agent-auth as refused, with the backend message', async (status) => {
    const b = await backend((res) => json(res, status, unauthorized));
    const client = createBackendClient({ backendUrl: b.url, token: 't' });
    await expect(client.authenticateAgent('cred')).resolves.toEqual({
      kind: 'refused',
      status,
      message: 'credential revoked',
    });
  });

  it('refuses a credential no backend could accept without asking', async () => {
    const client = createBackendClient({ backendUrl: 'http://127.0.0.1:1', token: 't' });
    await expect(client.authenticateAgent('x'.repeat(513))).resolves.toMatchObject({ kind: 'refused' });
  });

  it.each([
    ['a 5xx', (res: ServerResponse) => json(res, 500, { error: { code: 'internal', message: 'db down' } })],
    ['a malformed 200', (res: ServerResponse) => json(res, 200, { computerId: 'not-a-uuid' })],
    ['a 404 (backend without the route)', (res: ServerResponse) => json(res, 404, {})],
  ])('reports %s from agent-auth as unavailable', async (_name, answer) => {
    const b = await backend(answer);
    const client = createBackendClient({ backendUrl: b.url, token: 't' });
    await expect(client.authenticateAgent('cred')).resolves.toMatchObject({ kind: 'unavailable' });
  });

  it('reports an unreachable backend as unavailable, not as a throw', async () => {
    const b = await backend(() => {});
    const s = server;
    server = undefined;
    await new Promise((resolve) => s?.close(resolve));
    const client = createBackendClient({ backendUrl: b.url, token: 't' });
    await expect(client.authenticateAgent('cred')).resolves.toMatchObject({ kind: 'unavailable' });
    await expect(client.ingest(batch)).resolves.toMatchObject({ kind: 'failed' });
  });

  it('gives up on a backend that does not answer within the timeout', async () => {
    const b = await backend(() => {}); // never answers
    const client = createBackendClient({
      backendUrl: b.url,
      token: 't',
      timeouts: { auth: 50, ingest: 50 },
    });
    await expect(client.authenticateAgent('cred')).resolves.toEqual({
      kind: 'unavailable',
      reason: 'timed out',
    });
    await expect(client.ingest(batch)).resolves.toEqual({ kind: 'failed', reason: 'timed out' });
  });

  it('posts an ingest batch and returns the validated acks', async () => {
    const b = await backend((res) => json(res, 200, { acks: [{ computerId, seq: 1 }] }));
    const client = createBackendClient({ backendUrl: b.url, token: 't' });
    await expect(client.ingest(batch)).resolves.toEqual({
      kind: 'ok',
      value: { acks: [{ computerId, seq: 1 }] },
    });
    expect(b.seen[0]?.body).toEqual(ingestBody);
  });

  it('splices the frames into the ingest body as the agents sent them', () => {
    const text = '{ "type" : "metrics","seq":2,"sample":{"at":1}, "extra":"\\u00e9\\n" }';
    const body = encodeIngestBatch({
      relayId: 'r"1',
      items: [
        { computerId, receivedAt: 5, text },
        { computerId, receivedAt: 6, text: '{"type":"command-started","commandId":"x","startedAt":1}' },
      ],
    });
    expect(body).toContain(`"frame":${text}`);
    expect(JSON.parse(body)).toEqual({
      relayId: 'r"1',
      items: [
        { computerId, receivedAt: 5, frame: JSON.parse(text) },
        { computerId, receivedAt: 6, frame: { type: 'command-started', commandId: 'x', startedAt: 1 } },
      ],
    });
  });

  it('reuses one keep-alive connection for consecutive calls', async () => {
    const b = await backend((res) => json(res, 200, { acks: [{ computerId, seq: 1 }] }));
    const sockets = new Set<unknown>();
    server?.on('connection', (socket) => sockets.add(socket));
    const client = createBackendClient({ backendUrl: b.url, token: 't' });
    for (let i = 0; i < 5; i++) await expect(client.ingest(batch)).resolves.toMatchObject({ kind: 'ok' });
    expect(b.seen).toHaveLength(5);
    expect(sockets.size).toBe(1);
  });

  it('retries once on a new connection when a reused one fails before any answer', async () => {
    let calls = 0;
    const s = createServer((req, res) => {
      calls += 1;
      // The second call arrives on the kept-alive connection: drop it unanswered.
      if (calls === 2) return void req.socket.destroy();
      req.resume();
      req.on('end', () => json(res, 200, { acks: [{ computerId, seq: 1 }] }));
    });
    server = s;
    s.listen(0, '127.0.0.1');
    await once(s, 'listening');
    const { port } = s.address() as AddressInfo;
    const client = createBackendClient({ backendUrl: `http://127.0.0.1:${port}`, token: 't' });
    await expect(client.ingest(batch)).resolves.toMatchObject({ kind: 'ok' });
    await expect(client.ingest(batch)).resolves.toMatchObject({ kind: 'ok' });
    expect(calls).toBe(3);
  });

  it('classifies ingest failures: 5xx/429 retryable, other 4xx rejected with the body', async () => {
    const statuses = [503, 429, 400];
    const b = await backend((res) =>
      json(res, statuses.shift() ?? 500, { error: { code: 'x', message: 'no' } }),
    );
    const client = createBackendClient({ backendUrl: b.url, token: 't' });
    await expect(client.ingest(batch)).resolves.toMatchObject({ kind: 'failed' });
    await expect(client.ingest(batch)).resolves.toMatchObject({ kind: 'failed' });
    await expect(client.ingest(batch)).resolves.toMatchObject({
      kind: 'rejected',
      status: 400,
      body: expect.stringContaining('"no"'),
    });
  });

  it('rejects an invalid batch before sending it', async () => {
    const b = await backend((res) => json(res, 200, { acks: [] }));
    const client = createBackendClient({ backendUrl: b.url, token: 't' });
    await expect(client.ingest({ relayId: 'r1', items: [] })).resolves.toMatchObject({ kind: 'rejected' });
    expect(b.seen).toEqual([]);
  });

  it('rejects a 200 ingest answer that is not an IngestResult', async () => {
    const b = await backend((res) => json(res, 200, { acks: [{ computerId, seq: -1 }] }));
    const client = createBackendClient({ backendUrl: b.url, token: 't' });
    await expect(client.ingest(batch)).resolves.toMatchObject({ kind: 'rejected', reason: /acks/ });
  });

  it('accepts 204 from presence', async () => {
    const b = await backend((res) => res.writeHead(204).end());
    const client = createBackendClient({ backendUrl: b.url, token: 't' });
    const body = {
      relayId: 'r1',
      events: [{ computerId, state: 'disconnected' as const, at: 1, reason: '1000' }],
    };
    await expect(client.presence(body)).resolves.toEqual({ kind: 'ok', value: undefined });
    expect(b.seen[0]?.body).toEqual(body);
  });

  describe('Retry-After', () => {
    const presenceBody = {
      relayId: 'r1',
      events: [{ computerId, state: 'disconnected' as const, at: 1, reason: '1000' }],
    };
    const busy = { error: { code: 'busy', message: 'overloaded' } };
    const clock = (t = 1_000_000) => {
      const c = { t, now: () => c.t };
      return c;
    };

    it('calls no route again before a 503 Retry-After has passed, then calls again', async () => {
      const statuses = [503];
      const b = await backend((res, seen) => {
        const status = statuses.shift();
        if (status === 503) {
          res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '30' });
          res.end(JSON.stringify(busy));
        } else if (seen.url?.endsWith('agent-auth')) json(res, 200, { computerId, hostname: 'pc-a' });
        else if (seen.url?.endsWith('presence')) res.writeHead(204).end();
        else json(res, 200, { acks: [{ computerId, seq: 1 }] });
      });
      const c = clock();
      const client = createBackendClient({ backendUrl: b.url, token: 't', now: c.now });
      await expect(client.ingest(batch)).resolves.toMatchObject({ kind: 'failed', reason: /503/ });
      c.t += 29_000;
      // Each caller gets the outcome it already handles for "cannot reach", and nothing is sent.
      await expect(client.ingest(batch)).resolves.toEqual({
        kind: 'failed',
        reason: 'backend asked to wait (Retry-After): 1 s left',
      });
      await expect(client.presence(presenceBody)).resolves.toMatchObject({ kind: 'failed' });
      await expect(client.authenticateAgent('cred')).resolves.toMatchObject({
        kind: 'unavailable',
        reason: /Retry-After/,
      });
      expect(b.seen).toHaveLength(1);
      c.t += 1000;
      await expect(client.ingest(batch)).resolves.toMatchObject({ kind: 'ok' });
      await expect(client.authenticateAgent('cred')).resolves.toMatchObject({ kind: 'accepted' });
      await expect(client.presence(presenceBody)).resolves.toMatchObject({ kind: 'ok' });
      expect(b.seen).toHaveLength(4);
    });

    it('honours it on 429 from agent-auth too, as an HTTP date, capped at maxRetryAfterMs', async () => {
      const c = clock(Date.parse('2026-01-01T00:00:00Z'));
      const b = await backend((res) => {
        res.writeHead(429, {
          'content-type': 'application/json',
          'retry-after': 'Thu, 01 Jan 2026 01:00:00 GMT',
        });
        res.end(JSON.stringify(busy));
      });
      const client = createBackendClient({
        backendUrl: b.url,
        token: 't',
        now: c.now,
        maxRetryAfterMs: 300_000,
      });
      await expect(client.authenticateAgent('cred')).resolves.toMatchObject({ kind: 'unavailable' });
      c.t += 299_999;
      await expect(client.authenticateAgent('cred')).resolves.toMatchObject({ reason: /Retry-After/ });
      expect(b.seen).toHaveLength(1);
      // An hour was asked for; five minutes is the most honoured.
      c.t += 1;
      await client.authenticateAgent('cred');
      expect(b.seen).toHaveLength(2);
    });

    it('ignores Retry-After on other statuses and unreadable values', async () => {
      const answers: Array<[number, string]> = [
        [500, '30'],
        [503, 'soon'],
        [401, '30'],
      ];
      const b = await backend((res) => {
        const [status, after] = answers.shift() ?? [503, ''];
        res.writeHead(status, { 'content-type': 'application/json', 'retry-after': after }).end('{}');
      });
      const client = createBackendClient({ backendUrl: b.url, token: 't' });
      await client.authenticateAgent('cred');
      await client.authenticateAgent('cred');
      await client.authenticateAgent('cred');
      await client.authenticateAgent('cred');
      expect(b.seen).toHaveLength(4);
    });

    it('parses delta-seconds and HTTP dates', () => {
      const now = Date.parse('2026-01-01T00:00:00Z');
      expect(retryAfterMs('120', now)).toBe(120_000);
      expect(retryAfterMs(' 0 ', now)).toBe(0);
      expect(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
      expect(retryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
      expect(retryAfterMs('-5', now)).toBeUndefined();
      expect(retryAfterMs(undefined, now)).toBeUndefined();
      expect(retryAfterMs('later', now)).toBeUndefined();
    });
  });
});
