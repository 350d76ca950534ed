import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TestAgent } from '../testing/test-agent.js';
import { AGENT_A, startTestRelay, type TestRelay } from '../testing/test-relay.js';
import { selfSignedCertFiles } from '../testing/tls-cert.js';

/** A client socket that reads (so it sees the server's close) and records when it closed. */
function track(socket: Socket): { socket: Socket; closedAfter: Promise<number> } {
  const start = Date.now();
  socket.on('error', () => {});
  socket.resume();
  return { socket, closedAfter: once(socket, 'close').then(() => Date.now() - start) };
}

const rawSocket = (port: number) => track(connect(port, '127.0.0.1'));

/** Resolves true if `p` settles within `ms`. */
const within = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

function metric(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('half-open connections on the relay', () => {
  let t: TestRelay | undefined;
  const cert = selfSignedCertFiles();
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  afterAll(() => cert.remove());

  it('closes a connection that sends nothing or only part of its headers after the headers timeout', async () => {
    t = await startTestRelay({}, { headersTimeoutSec: 1 });
    const idle = rawSocket(t.port);
    const partial = rawSocket(t.port);
    partial.socket.write('GET /agent HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\n');
    const drip = rawSocket(t.port);
    const dripTimer = setInterval(() => drip.socket.write('X'), 100);
    dripTimer.unref();
    drip.socket.write('GET /healthz HTTP/1.1\r\nX-Slow: ');
    try {
      for (const c of [idle, partial, drip]) {
        const ms = await c.closedAfter;
        expect(ms).toBeGreaterThanOrEqual(900);
        expect(ms).toBeLessThan(1000 + 600);
      }
    } finally {
      clearInterval(dripTimer);
    }
  });

  it('leaves a connected agent and an idle keep-alive connection alone', async () => {
    t = await startTestRelay({}, { headersTimeoutSec: 1 });
    const agent = await TestAgent.open(t.port, AGENT_A.credential);
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: t?.port, path: '/healthz', agent: keepAlive },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await get()).toEqual({ status: 200, reused: false });
      await new Promise((r) => setTimeout(r, 1700));
      // Same socket, idle past the headers timeout (keepAliveTimeout, 5 s, governs it).
      expect(await get()).toEqual({ status: 200, reused: true });
      await agent.sync();
    } finally {
      keepAlive.destroy();
      agent.ws.close(1000);
      await agent.closed;
    }
  });

  it('closes new connections at once beyond the cap, counts them, and takes connections again after', async () => {
    t = await startTestRelay({}, { headersTimeoutSec: 5, maxPendingConnections: 3, maxPendingPerAddress: 0 });
    const held = [rawSocket(t.port), rawSocket(t.port), rawSocket(t.port)];
    // Let the relay accept the three before the next ones arrive.
    await new Promise((r) => setTimeout(r, 200));
    const extra = [rawSocket(t.port), rawSocket(t.port)];
    for (const c of extra) expect(await within(c.closedAfter, 500)).toBe(true);
    for (const c of held) expect(await within(c.closedAfter, 50)).toBe(false);

    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closedAfter));
    const agent = await TestAgent.open(t.port, AGENT_A.credential);
    const body = await (await fetch(`http://127.0.0.1:${t.port}/metrics`)).text();
    expect(metric(body, 'labmgr_relay_rejected_connections_total{reason="too_many_pending"}')).toBe(2);
    // The /metrics request itself is past its headers: nothing is pending.
    expect(metric(body, 'labmgr_relay_pending_connections')).toBe(0);
    agent.ws.close(1000);
    await agent.closed;
  });

  it('over TLS bounds the handshake and the headers after it, and caps raw sockets before any TLS', async () => {
    t = await startTestRelay(
      {},
      { headersTimeoutSec: 1, maxPendingConnections: 2, tlsCert: cert.certFile, tlsKey: cert.keyFile },
    );
    const port = t.port;
    // Never starts TLS.
    const noHandshake = rawSocket(port);
    // TLS done, then no request.
    const tls = tlsConnect({ host: '127.0.0.1', port, ca: cert.cert });
    await once(tls, 'secureConnect');
    const afterHandshake = track(tls);
    const over = rawSocket(port);
    expect(await within(over.closedAfter, 500)).toBe(true);
    for (const c of [noHandshake, afterHandshake]) {
      const ms = await c.closedAfter;
      expect(ms).toBeLessThan(1000 + 600);
    }
    // Both left the count: a request gets through.
    const health = await new Promise<number | undefined>((resolve, reject) => {
      httpsGet(`https://127.0.0.1:${port}/healthz`, { ca: cert.cert }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).once('error', reject);
    });
    expect(health).toBe(200);
  });
});
