import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloseCode, type MessageStatusItem, type RelayFrame } from '@labmgr/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestAgent } from '../testing/test-agent.js';
import { AGENT_A, AGENT_B, startTestRelay, type TestRelay } from '../testing/test-relay.js';
import { createControlRoutes } from './control-routes.js';
import { ControlService, type ControlSession } from './control-service.js';

const TOKEN = 'control-token-'.padEnd(40, 'x');
const A = AGENT_A.computerId;
const B = AGENT_B.computerId;
const NEVER = '8e5b4c3a-3d4e-4f70-8b12-34567890abcd';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const liveMode = { type: 'live-mode', intervalMs: 1000, ttlSec: 60 } as const;

class FakeSession implements ControlSession {
  readonly sent: RelayFrame[] = [];
  closed: { code: number; reason: string } | undefined;
  constructor(readonly computerId: string) {}
  send(frame: RelayFrame): void {
    this.sent.push(frame);
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
}

describe('control routes (auth, validation, queue semantics)', () => {
  let server: Server;
  let base: string;
  let sessions: Map<string, FakeSession>;
  let reports: MessageStatusItem[];
  let evicted: string[];
  let clock: { t: number };
  let service: ControlService;

  beforeEach(async () => {
    sessions = new Map();
    reports = [];
    evicted = [];
    clock = { t: 1_000_000 };
    service = new ControlService({
      logger: pino({ level: 'silent' }),
      sessions,
      report: (items) => reports.push(...items),
      evictCredential: (computerId) => evicted.push(computerId),
      queue: { maxPerAgent: 2 },
      now: () => clock.t,
    });
    server = createServer(
      createControlRoutes({
        relayId: 'r1',
        token: TOKEN,
        control: service,
        logger: pino({ level: 'silent' }),
      }),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const call = (method: string, path: string, body?: unknown, token: string | null = TOKEN) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  function connect(computerId: string): FakeSession {
    const s = new FakeSession(computerId);
    sessions.set(computerId, s);
    service.onPresence({ computerId, state: 'connected', at: clock.t, agentVersion: '1.2.3' });
    return s;
  }

  function leave(computerId: string): void {
    sessions.delete(computerId);
    service.onPresence({ computerId, state: 'disconnected', at: clock.t, code: 1006 });
  }

  it.each([
    ['no Authorization', null],
    ['a wrong token', 'wrong'],
    ['a token one character off', `${TOKEN.slice(0, -1)}y`],
  ])('answers 401 to a call with %s, on every path', async (_name, token) => {
    for (const [method, path] of [
      ['GET', '/control/v1/agents'],
      ['POST', `/control/v1/agents/${A}/messages`],
      ['GET', '/control/v1/nothing-here'],
    ] as const) {
      const res = await call(method, path, method === 'POST' ? { messageId: id(1) } : undefined, token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('answers 400 naming the field for a bad body or path', async () => {
    const noTtl = await call('POST', `/control/v1/agents/${A}/messages`, {
      messageId: id(1),
      frame: liveMode,
    });
    expect(noTtl.status).toBe(400);
    expect(await noTtl.json()).toMatchObject({
      error: { code: 'validation_failed', message: expect.stringMatching(/^body\.ttlSec: /) },
    });
    // The backend may send commands, cancels and live mode only: never an ack.
    const ack = await call('POST', `/control/v1/agents/${A}/messages`, {
      messageId: id(1),
      frame: { type: 'ack', seq: 1 },
      ttlSec: 5,
    });
    expect(((await ack.json()) as { error: { message: string } }).error.message).toMatch(
      /^body\.frame\.type/,
    );
    const badId = await call('POST', '/control/v1/agents/not-a-uuid/messages', {
      messageId: id(1),
      frame: liveMode,
      ttlSec: 5,
    });
    expect(((await badId.json()) as { error: { message: string } }).error.message).toMatch(
      /^params\.computerId/,
    );
    expect((await call('POST', `/control/v1/agents/${A}/messages`, '{not json')).status).toBe(400);
    expect((await call('GET', `/control/v1/agents/${A}/messages`)).status).toBe(405);
    expect((await call('GET', '/control/v1/elsewhere')).status).toBe(404);
  });

  it('delivers to a connected agent, queues for one that is reconnecting, refuses one never seen', async () => {
    const a = connect(A);
    connect(B);
    leave(B);
    const post = async (computerId: string, n: number) =>
      (
        await call('POST', `/control/v1/agents/${computerId}/messages`, {
          messageId: id(n),
          frame: liveMode,
          ttlSec: 30,
        })
      ).json();
    expect(await post(A, 1)).toEqual({ messageId: id(1), computerId: A, status: 'delivered' });
    expect(a.sent).toEqual([liveMode]);
    expect(await post(B, 2)).toEqual({ messageId: id(2), computerId: B, status: 'queued' });
    expect(await post(NEVER, 3)).toEqual({ messageId: id(3), computerId: NEVER, status: 'unknown-agent' });
    const forced = await call('POST', `/control/v1/agents/${NEVER}/messages`, {
      messageId: id(4),
      frame: liveMode,
      ttlSec: 30,
      queueIfUnknown: true,
    });
    expect(await forced.json()).toMatchObject({ status: 'queued' });
  });

  it('sends queued messages right after the reconnect, in order, and reports them delivered', async () => {
    connect(B);
    leave(B);
    const frames = [1000, 2000, 3000].map((intervalMs) => ({ ...liveMode, intervalMs }));
    const batch = await call('POST', '/control/v1/messages', {
      messages: frames
        .slice(0, 2)
        .map((frame, i) => ({ computerId: B, messageId: id(i + 1), frame, ttlSec: 30 })),
    });
    expect(await batch.json()).toEqual({
      results: [
        { messageId: id(1), computerId: B, status: 'queued' },
        { messageId: id(2), computerId: B, status: 'queued' },
      ],
    });
    // The per-agent bound (2 in this test) is reached.
    const third = await call('POST', `/control/v1/agents/${B}/messages`, {
      messageId: id(3),
      frame: frames[2],
      ttlSec: 30,
    });
    expect(await third.json()).toMatchObject({ status: 'queue-full' });
    const agents = (await (await call('GET', '/control/v1/agents')).json()) as { items: unknown[] };
    expect(agents.items).toEqual([]);

    clock.t += 5000;
    const b = connect(B);
    expect(b.sent).toEqual(frames.slice(0, 2));
    expect(reports).toEqual([
      { messageId: id(1), computerId: B, status: 'delivered', at: clock.t },
      { messageId: id(2), computerId: B, status: 'delivered', at: clock.t },
    ]);
    expect(await (await call('GET', '/control/v1/agents')).json()).toEqual({
      relayId: 'r1',
      items: [{ computerId: B, connectedAt: clock.t, remoteAddress: null, agentVersion: '1.2.3', queued: 0 }],
    });
  });

  it('expires a message whose TTL runs out while the agent is away and reports it', async () => {
    connect(A);
    leave(A);
    await call('POST', `/control/v1/agents/${A}/messages`, { messageId: id(1), frame: liveMode, ttlSec: 2 });
    clock.t += 1999;
    service.sweep();
    expect(reports).toEqual([]);
    clock.t += 1;
    service.sweep();
    expect(reports).toEqual([{ messageId: id(1), computerId: A, status: 'expired', at: clock.t }]);
    const a = connect(A);
    expect(a.sent).toEqual([]);
  });

  it('cancels a queued message with DELETE, then answers 404', async () => {
    connect(A);
    leave(A);
    await call('POST', `/control/v1/agents/${A}/messages`, { messageId: id(1), frame: liveMode, ttlSec: 30 });
    const del = await call('DELETE', `/control/v1/agents/${A}/messages/${id(1)}`);
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ messageId: id(1), computerId: A, status: 'cancelled' });
    expect((await call('DELETE', `/control/v1/agents/${A}/messages/${id(1)}`)).status).toBe(404);
    expect(connect(A).sent).toEqual([]);
  });

  it('disconnects an agent with 4401 and the reason, drops its queue and forgets it', async () => {
    const a = connect(A);
    const res = await call('POST', `/control/v1/agents/${A}/disconnect`, { reason: 'computer retired' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ computerId: A, status: 'disconnected', droppedMessages: 0 });
    expect(a.closed).toEqual({ code: CloseCode.unauthorized, reason: 'computer retired' });
    expect(evicted).toEqual([A]);
    expect((await call('POST', `/control/v1/agents/${NEVER}/disconnect`, { reason: 'x' })).status).toBe(404);
    const noReason = await call('POST', `/control/v1/agents/${A}/disconnect`, {});
    expect(((await noReason.json()) as { error: { message: string } }).error.message).toMatch(
      /^body\.reason/,
    );
  });

  it('drops the cached credential verdicts of an agent it does not hold, and still answers 404', async () => {
    // Its credential passed the check, but it left (or is still waiting) before its hello: not in `sessions`.
    const res = await call('POST', `/control/v1/agents/${NEVER}/disconnect`, {
      reason: 'credential revoked',
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'unknown_agent' } });
    expect(evicted).toEqual([NEVER]);
  });
});

describe('control API on a running relay', () => {
  let t: TestRelay;
  beforeEach(async () => {
    t = await startTestRelay({ control: { controlToken: TOKEN } });
  });
  afterEach(async () => {
    await t.close();
  });

  const call = (method: string, path: string, body?: unknown, token = TOKEN) =>
    fetch(`http://127.0.0.1:${t.port}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('serves /control/v1 on the agent port and leaves /healthz alone', async () => {
    expect(t.relay.controlToken).toBe(TOKEN);
    expect((await fetch(`http://127.0.0.1:${t.port}/healthz`)).status).toBe(200);
    expect((await call('GET', '/control/v1/agents', undefined, 'nope')).status).toBe(401);
  });

  it('delivers to a live agent, queues across its reconnect and closes it with 4401 on disconnect', async () => {
    const first = await TestAgent.open(t.port, AGENT_A.credential);
    const list = (await (await call('GET', '/control/v1/agents')).json()) as {
      items: { computerId: string }[];
    };
    expect(list.items.map((i) => i.computerId)).toEqual([A]);

    const sent = await call('POST', `/control/v1/agents/${A}/messages`, {
      messageId: id(1),
      frame: liveMode,
      ttlSec: 30,
    });
    expect(await sent.json()).toMatchObject({ status: 'delivered' });
    expect(await first.until((f) => f.type === 'live-mode')).toEqual(liveMode);

    first.ws.close(1000);
    await first.closed;
    await expect
      .poll(
        async () => ((await (await call('GET', '/control/v1/agents')).json()) as { items: unknown[] }).items,
      )
      .toEqual([]);
    const queued = await call('POST', `/control/v1/agents/${A}/messages`, {
      messageId: id(2),
      frame: { ...liveMode, intervalMs: 2000 },
      ttlSec: 30,
    });
    expect(await queued.json()).toMatchObject({ status: 'queued' });

    const again = await TestAgent.open(t.port, AGENT_A.credential);
    expect(await again.next()).toEqual({ ...liveMode, intervalMs: 2000 });

    const off = await call('POST', `/control/v1/agents/${A}/disconnect`, { reason: 'credential revoked' });
    expect(off.status).toBe(200);
    expect(await again.closed).toEqual({ code: CloseCode.unauthorized, reason: 'credential revoked' });
  });

  it('on disconnect closes a connection that passed the check but has not said hello, and re-checks its credential', async () => {
    const authCalls = () => t.backend.requests.filter((r) => r.path === '/api/v1/internal/agent-auth').length;
    // Passes the check (the verdict is cached) and sends nothing.
    const waiting = await TestAgent.connect(t.port, AGENT_A.credential);
    expect(authCalls()).toBe(1);
    const off = await call('POST', `/control/v1/agents/${A}/disconnect`, { reason: 'credential revoked' });
    expect(off.status).toBe(200);
    expect(await waiting.closed).toEqual({ code: CloseCode.unauthorized, reason: 'credential revoked' });
    // The verdict was dropped: the next connection asks the backend again.
    const again = await TestAgent.open(t.port, AGENT_A.credential);
    expect(authCalls()).toBe(2);
    again.ws.close(1000);
    await again.closed;
  });
});
