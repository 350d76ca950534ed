// The relay in-process against a fake backend (src/testing): data and
// presence forwarding, acks, retries and shutdown. Unit tier: no real backend.
import { CloseCode, fixtures } from '@labmgr/protocol';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startRelay } from './relay.js';
import { TestAgent } from './testing/test-agent.js';
import { AGENT_A, AGENT_B, startTestRelay, type TestRelay } from './testing/test-relay.js';

let t: TestRelay;
afterEach(async () => {
  await t.close();
});

const fastRetry = { retryInitialMs: 1, retryMaxMs: 5 };
const seqsOf = (computerId: string) =>
  t.backend.batches.flatMap((b) =>
    b.items
      .filter((i) => i.computerId === computerId)
      .map((i) => (i.frame.type === 'metrics' ? i.frame.seq : 0)),
  );

describe('forwarding', () => {
  it('forwards metrics and inventory in order and acks each agent its own seq', async () => {
    t = await startTestRelay();
    const a = await TestAgent.open(t.port, AGENT_A.credential);
    const b = await TestAgent.open(t.port, AGENT_B.credential);
    a.send({ type: 'inventory', inventory: fixtures.inventory() });
    for (const seq of [1, 2, 3]) a.metrics(seq);
    b.metrics(10);
    await expect(a.until((f) => f.type === 'ack' && f.seq === 3)).resolves.toBeTruthy();
    await expect(b.until((f) => f.type === 'ack')).resolves.toEqual({ type: 'ack', seq: 10 });
    expect(seqsOf(AGENT_A.computerId)).toEqual([0, 1, 2, 3]);
    const first = t.backend.batches[0]?.items[0];
    expect(first).toMatchObject({ computerId: AGENT_A.computerId, receivedAt: expect.any(Number) });
    expect(first?.frame.type).toBe('inventory');
    expect(t.backend.batches.every((batch) => batch.relayId === 'relay-test')).toBe(true);
  });

  it('sends up to maxBatch frames per request', async () => {
    t = await startTestRelay({ ingest: { maxBatch: 2, maxDelayMs: 60_000 } });
    const a = await TestAgent.open(t.port, AGENT_A.credential);
    for (const seq of [1, 2, 3, 4]) a.metrics(seq);
    await a.until((f) => f.type === 'ack' && f.seq === 4);
    expect(t.backend.batches.map((batch) => batch.items.length)).toEqual([2, 2]);
  });

  it('retries a batch the backend failed to take and acks once it is stored', async () => {
    t = await startTestRelay({ ingest: fastRetry });
    t.backend.failIngest(2);
    const a = await TestAgent.open(t.port, AGENT_A.credential);
    a.metrics(1);
    await expect(a.until((f) => f.type === 'ack')).resolves.toEqual({ type: 'ack', seq: 1 });
    expect(t.backend.requests.filter((r) => r.path.endsWith('/ingest'))).toHaveLength(3);
    const res = await fetch(`http://127.0.0.1:${t.port}/healthz`);
    expect(await res.json()).toMatchObject({ pendingFrames: 0 });
  });

  it('drops a batch the backend rejects as malformed (4xx) and goes on', async () => {
    t = await startTestRelay({ ingest: fastRetry });
    t.backend.failIngest(1, 400);
    const a = await TestAgent.open(t.port, AGENT_A.credential);
    a.metrics(1);
    await t.backend.until(() => t.backend.requests.some((r) => r.path.endsWith('/ingest')));
    a.metrics(2);
    await expect(a.until((f) => f.type === 'ack')).resolves.toEqual({ type: 'ack', seq: 2 });
    expect(seqsOf(AGENT_A.computerId)).toEqual([2]);
  });

  it('paces agents while the backend is slow (stops reading them) instead of disconnecting, then delivers everything once', async () => {
    // Without a spool: memory is the only buffer; pacing starts at 40 queued frames.
    t = await startTestRelay({ ingest: { maxQueued: 40, maxBatch: 10, maxDelayMs: 1 } });
    const release = t.backend.holdIngest();
    const a = await TestAgent.open(t.port, AGENT_A.credential);
    const b = await TestAgent.open(t.port, AGENT_B.credential);
    // Sent in small bursts, as agents do, so the relay reads them over many socket reads.
    for (let seq = 1; seq <= 150; seq++) {
      a.metrics(seq);
      b.metrics(seq);
      if (seq % 5 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    const metrics = async () => (await fetch(`http://127.0.0.1:${t.port}/metrics`)).text();
    const gauge = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1]);
    const health = async () =>
      (await (await fetch(`http://127.0.0.1:${t.port}/healthz`)).json()) as { pendingFrames: number };
    // Held: the queue stops near its bound, well short of the 300 frames sent, and both agents are paused.
    await new Promise((r) => setTimeout(r, 100));
    const during = await metrics();
    expect(gauge(during, 'labmgr_relay_paced_agents')).toBe(2);
    expect((await health()).pendingFrames).toBeLessThan(160);
    release();
    await a.until((f) => f.type === 'ack' && f.seq === 150);
    await b.until((f) => f.type === 'ack' && f.seq === 150);
    expect(seqsOf(AGENT_A.computerId)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(seqsOf(AGENT_B.computerId)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    const after = await metrics();
    expect(gauge(after, 'labmgr_relay_paced_agents')).toBe(0);
    expect(gauge(after, 'labmgr_relay_ingest_pauses_total')).toBeGreaterThanOrEqual(2);
    expect(after).not.toMatch(/labmgr_relay_closed_connections_total\{code="1013"\}/);
  });

  it('keeps pinging an agent it paced, so the agent’s own heartbeat does not give up on the relay', async () => {
    t = await startTestRelay({
      heartbeatIntervalMs: 50,
      ingest: { maxQueued: 20, maxBatch: 10, maxDelayMs: 1 },
    });
    const release = t.backend.holdIngest();
    const a = await TestAgent.open(t.port, AGENT_A.credential);
    for (let seq = 1; seq <= 40; seq++) a.metrics(seq);
    await new Promise((r) => setTimeout(r, 100));
    const health = (await (await fetch(`http://127.0.0.1:${t.port}/healthz`)).json()) as {
      pacedAgents: number;
    };
    expect(health.pacedAgents).toBe(1);
    let pings = 0;
    a.ws.on('ping', () => {
      pings += 1;
    });
    // Ten heartbeat intervals while paced: pinged, not judged (its pongs wait unread), not closed.
    await new Promise((r) => setTimeout(r, 500));
    expect(pings).toBeGreaterThanOrEqual(5);
    release();
    await a.until((f) => f.type === 'ack' && f.seq === 40);
    await new Promise((r) => setTimeout(r, 200));
    expect(a.ws.readyState).toBe(a.ws.OPEN);
  });

  it('disconnects an agent with tryAgainLater rather than silently dropping its frame past the hard bound', async () => {
    // Paced at 1 queued frame, held in memory up to 4: ten frames in one read overflow it.
    t = await startTestRelay({ ingest: { maxQueued: 1, maxDelayMs: 60_000 } });
    const a = await TestAgent.open(t.port, AGENT_A.credential);
    for (let seq = 1; seq <= 10; seq++) a.metrics(seq);
    await expect(a.closed).resolves.toMatchObject({ code: CloseCode.tryAgainLater });
  });

  it('retries presence updates separately from data', async () => {
    t = await startTestRelay({ presence: fastRetry });
    t.backend.failPresence(1);
    await TestAgent.open(t.port, AGENT_A.credential);
    await t.backend.until(() => t.backend.presence.length === 1);
    expect(t.backend.presence[0]).toMatchObject({ computerId: AGENT_A.computerId, state: 'connected' });
  });
});

describe('shutdown', () => {
  it('closes agents with 1001 and flushes what is still queued', async () => {
    // A long batching delay keeps the frames queued until the shutdown flush.
    t = await startTestRelay({ ingest: { maxDelayMs: 60_000 }, presence: { maxDelayMs: 60_000 } });
    const a = await TestAgent.open(t.port, AGENT_A.credential);
    a.metrics(1);
    a.metrics(2);
    await a.sync();
    await t.relay.close();
    await expect(a.closed).resolves.toEqual({ code: 1001, reason: 'relay shutting down' });
    expect(seqsOf(AGENT_A.computerId)).toEqual([1, 2]);
    expect(t.backend.presence.map((e) => e.state)).toEqual(['connected', 'disconnected']);
    expect(t.backend.presence[1]).toMatchObject({ reason: 'relay shutting down', code: 1001 });
  });

  it('refuses new agents once shutting down', async () => {
    t = await startTestRelay();
    await t.relay.close();
    await expect(TestAgent.connect(t.port, AGENT_A.credential)).rejects.toBeTruthy();
  });

  it('gives up flushing after shutdownFlushMs when the backend is down', async () => {
    t = await startTestRelay({ shutdownFlushMs: 50, ingest: { maxDelayMs: 60_000, ...fastRetry } });
    const a = await TestAgent.open(t.port, AGENT_A.credential);
    t.backend.failIngest(Number.POSITIVE_INFINITY);
    a.metrics(1);
    await a.sync();
    await t.relay.close();
    expect(t.backend.batches).toEqual([]);
  });
});

describe('startRelay', () => {
  it('rejects when the port is taken', async () => {
    t = await startTestRelay();
    const config = {
      port: t.port,
      host: '127.0.0.1',
      backendUrl: t.backend.url,
      token: 'x',
      relayId: 'r2',
      logLevel: 'silent' as const,
    };
    await expect(startRelay(config, { logger: pino({ level: 'silent' }) })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });
});
