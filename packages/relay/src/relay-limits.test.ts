// The relay in-process against the fake backend (src/testing): per-agent
// limits, connection admission, /metrics, /readyz, the credential verdict
// cache and TLS. Each misbehaving client must be closed or refused alone.
import { get } from 'node:https';
import { CloseCode, fixtures } from '@labmgr/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { TestAgent } from './testing/test-agent.js';
import { AGENT_A, AGENT_B, startTestRelay, type TestRelay } from './testing/test-relay.js';
import { selfSignedCertFiles } from './testing/tls-cert.js';

let t: TestRelay | undefined;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const c of cleanups.splice(0)) c();
});

async function text(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`http://127.0.0.1:${t?.port}${path}`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

/** The value of one series in Prometheus text, e.g. `x_total{type="ack"}`. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function authCalls(relay: TestRelay): number {
  return relay.backend.requests.filter((r) => r.path === '/api/v1/internal/agent-auth').length;
}

describe('per-agent rate limit', () => {
  it('closes a flooding agent with rateLimited and a reason, and the other agent keeps going', async () => {
    t = await startTestRelay({}, { rateLimit: 10, rateBurst: 20 });
    const flooder = await TestAgent.open(t.port, AGENT_A.credential);
    const good = await TestAgent.open(t.port, AGENT_B.credential);
    for (let i = 0; i < 5000; i += 1) flooder.send({ type: 'ping', ts: i });
    const closed = await flooder.closed;
    expect(closed).toEqual({ code: CloseCode.rateLimited, reason: expect.stringMatching(/too many frames/) });
    good.metrics(1);
    await expect(good.until((f) => f.type === 'ack')).resolves.toEqual({ type: 'ack', seq: 1 });
    await good.sync();
    const metrics = await text('/metrics');
    expect(sample(metrics.body, 'labmgr_relay_closed_connections_total{code="4429"}')).toBe(1);
    expect(sample(metrics.body, 'labmgr_relay_rate_limit_pauses_total')).toBeGreaterThanOrEqual(1);
    expect(sample(metrics.body, 'labmgr_relay_connected_agents')).toBe(1);
  });

  it('paces an agent that sends a backlog faster than its rate instead of closing it', async () => {
    t = await startTestRelay({}, { rateLimit: 100, rateBurst: 100 });
    const agent = await TestAgent.open(t.port, AGENT_A.credential);
    const start = Date.now();
    for (let seq = 1; seq <= 400; seq += 1) agent.metrics(seq);
    await agent.until((f) => f.type === 'ack' && f.seq === 400);
    const seconds = (Date.now() - start) / 1000;
    // (400 + hello - 100 burst) frames at 100/s.
    // Unpaced this takes some 50 ms; paced, the last read's frames may end in debt (up to a burst).
    expect(seconds).toBeGreaterThan(1.5);
    expect(agent.ws.readyState).toBe(WebSocket.OPEN);
    const stored = t.backend.batches
      .flatMap((b) => b.items)
      .filter((i) => i.computerId === AGENT_A.computerId);
    expect(stored).toHaveLength(400);
  });
});

describe('connection admission', () => {
  it('refuses connections beyond the unauthenticated cap with 503 until one says hello', async () => {
    t = await startTestRelay({}, { maxUnauthenticated: 2 });
    const first = await TestAgent.connect(t.port, AGENT_A.credential);
    await TestAgent.connect(t.port, AGENT_B.credential);
    await expect(TestAgent.refusal(t.port, AGENT_A.credential)).resolves.toMatchObject({
      status: 503,
      headers: { 'retry-after': expect.any(String) },
      body: { error: { code: 'unavailable', message: expect.stringMatching(/awaiting authentication/) } },
    });
    first.send(fixtures.hello());
    await first.next();
    const third = await TestAgent.connect(t.port, AGENT_A.credential);
    third.ws.close();
    const metrics = await text('/metrics');
    expect(
      sample(metrics.body, 'labmgr_relay_rejected_connections_total{reason="too_many_unauthenticated"}'),
    ).toBe(1);
  });

  it('answers 429 with Retry-After to too many attempts from one address', async () => {
    t = await startTestRelay({}, { ipConnectLimit: 3, ipConnectWindowSec: 60 });
    for (const credential of [AGENT_A.credential, 'wrong', undefined]) {
      // Refused attempts count too: they still cost the relay a handshake.
      await TestAgent.refusal(t.port, credential).catch(() => undefined);
    }
    const refusal = await TestAgent.refusal(t.port, AGENT_A.credential);
    expect(refusal).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
    expect(Number(refusal.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const metrics = await text('/metrics');
    expect(sample(metrics.body, 'labmgr_relay_rejected_connections_total{reason="ip_rate_limited"}')).toBe(1);
    expect(sample(metrics.body, 'labmgr_relay_rejected_connections_total{reason="unauthorized"}')).toBe(2);
  });
});

describe('credential verdict cache', () => {
  it('asks the backend once per credential, and again after the computer was evicted', async () => {
    t = await startTestRelay();
    const relay = t;
    for (let i = 0; i < 3; i += 1) {
      const agent = await TestAgent.open(relay.port, AGENT_A.credential);
      agent.ws.close();
      await agent.closed;
    }
    expect(authCalls(relay)).toBe(1);
    // Revocation: the backend forgets the credential and the control API evicts it.
    relay.backend.agents.delete(AGENT_A.credential);
    expect(relay.relay.evictAgentAuth(AGENT_A.computerId)).toBe(1);
    await expect(TestAgent.refusal(relay.port, AGENT_A.credential)).resolves.toMatchObject({ status: 401 });
    expect(authCalls(relay)).toBe(2);
  });

  it('asks every time with authCacheSec 0, and never caches a refusal', async () => {
    t = await startTestRelay({}, { authCacheSec: 0 });
    const relay = t;
    await TestAgent.refusal(relay.port, 'enrolled-later');
    relay.backend.agents.set('enrolled-later', { computerId: AGENT_A.computerId, hostname: 'pc-a' });
    (await TestAgent.open(relay.port, 'enrolled-later')).ws.close();
    (await TestAgent.open(relay.port, 'enrolled-later')).ws.close();
    expect(authCalls(relay)).toBe(3);
  });
});

describe('/metrics and /readyz', () => {
  it('exposes Prometheus text with traffic, batches, latency and process metrics', async () => {
    t = await startTestRelay();
    const agent = await TestAgent.open(t.port, AGENT_A.credential);
    agent.metrics(1);
    agent.metrics(2);
    await agent.until((f) => f.type === 'ack' && f.seq === 2);
    const m = await text('/metrics');
    expect(m.status).toBe(200);
    expect(m.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(m.body, 'labmgr_relay_connected_agents')).toBe(1);
    expect(sample(m.body, 'labmgr_relay_frames_received_total{type="hello"}')).toBe(1);
    expect(sample(m.body, 'labmgr_relay_frames_received_total{type="metrics"}')).toBe(2);
    expect(sample(m.body, 'labmgr_relay_frames_sent_total{type="welcome"}')).toBe(1);
    expect(sample(m.body, 'labmgr_relay_frames_sent_total{type="ack"}')).toBeGreaterThanOrEqual(1);
    expect(sample(m.body, 'labmgr_relay_ingest_batch_size_sum')).toBe(2);
    expect(sample(m.body, 'labmgr_relay_forward_latency_seconds_count')).toBe(2);
    expect(sample(m.body, 'labmgr_relay_spool_bytes')).toBe(0);
    expect(m.body).toContain('process_resident_memory_bytes');
  });

  it('requires the metrics token when one is configured', async () => {
    t = await startTestRelay({}, { metricsToken: 'scrape-secret' });
    expect((await text('/metrics')).status).toBe(401);
    expect((await text('/metrics', { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await text('/metrics', { authorization: 'Bearer scrape-secret' })).status).toBe(200);
  });

  it('is ready while the backend answers and not ready, with the reason, once it is gone', async () => {
    // The backend goes away for good here: do not wait long to flush at shutdown.
    t = await startTestRelay({ shutdownFlushMs: 100 });
    await expect(text('/readyz')).resolves.toMatchObject({ status: 200, body: '{"status":"ready"}' });
    const agent = await TestAgent.open(t.port, AGENT_A.credential);
    await t.backend.close();
    agent.metrics(1);
    await expect.poll(async () => (await text('/readyz')).status, { timeout: 5000, interval: 100 }).toBe(503);
    const body = JSON.parse((await text('/readyz')).body) as unknown;
    expect(body).toEqual({
      error: { code: 'not_ready', message: expect.stringMatching(/^backend unreachable/) },
    });
    // Liveness is another matter: the process is fine.
    expect((await text('/healthz')).status).toBe(200);
  });
});

describe('TLS', () => {
  it('serves wss and https with the configured certificate', async () => {
    const cert = selfSignedCertFiles();
    cleanups.push(cert.remove);
    t = await startTestRelay({}, { tlsCert: cert.certFile, tlsKey: cert.keyFile });
    expect(t.relay.tls).toBe(true);
    const ws = new WebSocket(`wss://127.0.0.1:${t.port}/agent`, {
      ca: cert.cert,
      headers: { authorization: `Bearer ${AGENT_A.credential}` },
    });
    const welcome = new Promise<unknown>((resolve, reject) => {
      ws.once('message', (data) => resolve(JSON.parse(String(data))));
      ws.once('error', reject);
    });
    ws.once('open', () => ws.send(JSON.stringify(fixtures.hello())));
    await expect(welcome).resolves.toMatchObject({ type: 'welcome', computerId: AGENT_A.computerId });
    ws.close();
    const health = await new Promise<number | undefined>((resolve, reject) => {
      get(`https://127.0.0.1:${t?.port}/healthz`, { ca: cert.cert }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).once('error', reject);
    });
    expect(health).toBe(200);
    // A client that does not trust the certificate gets nowhere.
    const untrusted = new WebSocket(`wss://127.0.0.1:${t.port}/agent`, {
      headers: { authorization: `Bearer ${AGENT_A.credential}` },
    });
    await expect(
      new Promise((resolve, reject) => {
        untrusted.once('open', resolve);
        untrusted.once('error', reject);
      }),
    ).rejects.toThrow(/self-signed|certificate/);
  });
});
