// The relay process in-process against a fake backend (src/testing): a unit
// test of the relay, isolated from the real backend. Connection lifecycle,
// handshake and the isolation of misbehaving agents.
import { CloseCode, fixtures, PROTOCOL_VERSION } from '@labmgr/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { TestAgent } from './testing/test-agent.js';
import { AGENT_A, AGENT_B, startTestRelay, type TestRelay } from './testing/test-relay.js';

let t: TestRelay;
afterEach(async () => {
  await t.close();
});

async function getJson(path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${t.port}${path}`);
  return { status: res.status, body: await res.json() };
}

describe('HTTP', () => {
  it('reports health with the number of connected agents', async () => {
    t = await startTestRelay();
    await expect(getJson('/healthz')).resolves.toEqual({
      status: 200,
      body: { status: 'ok', relayId: 'relay-test', agents: 0, pendingFrames: 0, pacedAgents: 0 },
    });
    await TestAgent.open(t.port, AGENT_A.credential);
    expect((await getJson('/healthz')).body).toMatchObject({ agents: 1 });
  });

  it.each(['/', '/agent', '/healthz/x'])('answers %s with a JSON 404', async (path) => {
    t = await startTestRelay();
    await expect(getJson(path)).resolves.toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
  });
});

describe('authentication at upgrade', () => {
  it('refuses a missing or unknown credential with 401', async () => {
    t = await startTestRelay();
    for (const credential of [undefined, 'wrong']) {
      await expect(TestAgent.refusal(t.port, credential)).resolves.toMatchObject({
        status: 401,
        body: { error: { code: 'unauthorized' } },
      });
    }
  });

  it('answers 503 with Retry-After while the backend cannot check credentials', async () => {
    t = await startTestRelay();
    t.backend.authDown = true;
    await expect(TestAgent.refusal(t.port, AGENT_A.credential)).resolves.toMatchObject({
      status: 503,
      headers: { 'retry-after': expect.any(String) },
    });
  });

  it('sends the relay token on every backend call', async () => {
    t = await startTestRelay();
    await TestAgent.open(t.port, AGENT_A.credential);
    await t.backend.until(() => t.backend.presence.length === 1);
    // agent-auth, presence, and the relay's registration (control API), in any order.
    const authorizations = t.backend.requests.map((r) => r.authorization);
    expect(authorizations.length).toBeGreaterThanOrEqual(2);
    expect(new Set(authorizations)).toEqual(new Set(['Bearer relay-test-token']));
  });
});

describe('handshake', () => {
  it('welcomes a hello and reports the agent connected', async () => {
    t = await startTestRelay();
    const agent = await TestAgent.connect(t.port, AGENT_A.credential);
    agent.send(fixtures.hello());
    expect(await agent.next()).toEqual({
      type: 'welcome',
      protocolVersion: PROTOCOL_VERSION,
      computerId: AGENT_A.computerId,
      relayId: 'relay-test',
      serverTime: expect.any(Number),
    });
    await t.backend.until(() => t.backend.presence.length === 1);
    expect(t.backend.presence[0]).toMatchObject({
      computerId: AGENT_A.computerId,
      state: 'connected',
      agentVersion: '0.1.0',
      remoteAddress: expect.stringContaining('127.0.0.1'),
    });
  });

  it('closes with unsupportedVersion for another protocol version, even in a newer hello shape', async () => {
    t = await startTestRelay();
    for (const hello of [
      { ...fixtures.hello(), protocolVersion: PROTOCOL_VERSION + 1 },
      { type: 'hello', protocolVersion: PROTOCOL_VERSION + 1, capabilities: ['x'] },
    ]) {
      const agent = await TestAgent.connect(t.port, AGENT_A.credential);
      agent.send(hello);
      await expect(agent.closed).resolves.toMatchObject({ code: CloseCode.unsupportedVersion });
    }
  });

  it('closes with handshakeFailed when the first frame is not hello', async () => {
    t = await startTestRelay();
    const agent = await TestAgent.connect(t.port, AGENT_A.credential);
    agent.send({ type: 'ping', ts: 1 });
    await expect(agent.closed).resolves.toEqual({
      code: CloseCode.handshakeFailed,
      reason: expect.stringContaining('hello'),
    });
  });

  it('closes with handshakeFailed when no hello comes in time', async () => {
    t = await startTestRelay({ handshakeTimeoutMs: 20 });
    const agent = await TestAgent.connect(t.port, AGENT_A.credential);
    await expect(agent.closed).resolves.toEqual({
      code: CloseCode.handshakeFailed,
      reason: expect.stringMatching(/hello/),
    });
  });

  it('replaces an older connection of the same agent, reporting presence in order', async () => {
    t = await startTestRelay();
    const first = await TestAgent.open(t.port, AGENT_A.credential);
    const second = await TestAgent.open(t.port, AGENT_A.credential);
    await expect(first.closed).resolves.toMatchObject({ code: CloseCode.replaced });
    await second.sync();
    await t.backend.until(() => t.backend.presence.length === 3);
    expect(t.backend.presence.map((e) => [e.state, e.code])).toEqual([
      ['connected', undefined],
      ['disconnected', CloseCode.replaced],
      ['connected', undefined],
    ]);
    expect((await getJson('/healthz')).body).toMatchObject({ agents: 1 });
  });
});

describe('frames', () => {
  it('answers an application ping with a pong carrying the same ts', async () => {
    t = await startTestRelay();
    const agent = await TestAgent.open(t.port, AGENT_A.credential);
    agent.send({ type: 'ping', ts: 42 });
    expect(await agent.next()).toEqual({ type: 'pong', ts: 42 });
  });

  it.each(fixtures.invalidAgentFrames)('closes only the sender of a bad frame (%s)', async (_name, text) => {
    t = await startTestRelay();
    const bad = await TestAgent.open(t.port, AGENT_A.credential);
    const good = await TestAgent.open(t.port, AGENT_B.credential);
    bad.send(text);
    const closed = await bad.closed;
    expect(closed.code).toBe(CloseCode.badFrame);
    expect(closed.reason.length).toBeGreaterThan(3);
    good.metrics(1);
    await expect(good.until((f) => f.type === 'ack')).resolves.toEqual({ type: 'ack', seq: 1 });
  });

  it('closes the sender of a binary frame with badFrame', async () => {
    t = await startTestRelay();
    const agent = await TestAgent.open(t.port, AGENT_A.credential);
    agent.ws.send(Buffer.from('{"type":"ping","ts":1}'), { binary: true });
    await expect(agent.closed).resolves.toMatchObject({ code: CloseCode.badFrame });
  });

  it('closes the sender of an oversized frame and keeps serving the others', async () => {
    t = await startTestRelay();
    const big = await TestAgent.open(t.port, AGENT_A.credential);
    const other = await TestAgent.open(t.port, AGENT_B.credential);
    big.send(`{"type":"ping","ts":1,"pad":"${'x'.repeat(1024 * 1024)}"}`);
    await expect(big.closed).resolves.toMatchObject({ code: 1009 });
    await other.sync();
    await t.backend.until(() => t.backend.presence.some((e) => e.state === 'disconnected'));
    expect(t.backend.presence.find((e) => e.state === 'disconnected')?.code).toBe(1009);
  });

  it('rejects a second hello on an open connection', async () => {
    t = await startTestRelay();
    const agent = await TestAgent.open(t.port, AGENT_A.credential);
    agent.send(fixtures.hello());
    await expect(agent.closed).resolves.toMatchObject({ code: CloseCode.badFrame });
  });
});

describe('disconnects', () => {
  it('reports the close code and reason of a leaving agent', async () => {
    t = await startTestRelay();
    const agent = await TestAgent.open(t.port, AGENT_A.credential);
    agent.ws.close(1000, 'bye');
    await t.backend.until(() => t.backend.presence.length === 2);
    expect(t.backend.presence[1]).toMatchObject({ state: 'disconnected', reason: 'bye', code: 1000 });
  });

  it('terminates a peer that stops answering WebSocket pings, and only that one', async () => {
    t = await startTestRelay({ heartbeatIntervalMs: 100 });
    const silent = await TestAgent.open(t.port, AGENT_A.credential, { autoPong: false });
    const healthy = await TestAgent.open(t.port, AGENT_B.credential);
    await silent.closed;
    await t.backend.until(() => t.backend.presence.some((e) => e.state === 'disconnected'));
    expect(t.backend.presence.find((e) => e.state === 'disconnected')).toMatchObject({
      computerId: AGENT_A.computerId,
      code: CloseCode.heartbeatTimeout,
    });
    await healthy.sync();
  });
});
