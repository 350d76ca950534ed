// Relay limits and operations with real processes: a flooding client and an
// oversized frame are closed alone while a real agent keeps storing samples;
// too many attempts from one address get 429; /metrics counts it all;
// /readyz follows the backend going away and coming back.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtures, PROTOCOL_VERSION } from '@labmgr/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, type System, startSystem } from '../harness.js';
import { storedPoints } from './agent-helpers.js';

interface Raw {
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
}

/** A raw client with a real credential: connects, says hello, waits for welcome. */
function helloClient(url: string, credential: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${credential}` } });
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: String(reason) })),
    );
    ws.once('open', () =>
      ws.send(JSON.stringify({ ...fixtures.hello(), protocolVersion: PROTOCOL_VERSION })),
    );
    ws.once('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string };
      if (frame.type === 'welcome') resolve({ ws, closed });
      else reject(new Error(`expected welcome, got ${frame.type}`));
    });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Status and headers of one upgrade attempt that is expected to be refused. */
function attempt(url: string, credential: string): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${credential}` } });
    ws.once('open', () => {
      ws.close();
      resolve({ status: 101 });
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      const retryAfter = res.headers['retry-after'];
      resolve({ status: res.statusCode ?? 0, ...(retryAfter ? { retryAfter } : {}) });
    });
    ws.once('error', reject);
  });
}

function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('relay limits and operations, real processes', () => {
  let sys: System;
  let computerId = '';
  let credential = '';
  let relayHttp = '';

  beforeAll(async () => {
    sys = await startSystem();
    await sys.startRelay({
      LABMGR_RELAY_RATE_LIMIT: '20',
      LABMGR_RELAY_RATE_BURST: '40',
      LABMGR_RELAY_IP_CONNECT_LIMIT: '30',
      LABMGR_RELAY_IP_CONNECT_WINDOW: '60',
    });
    relayHttp = `http://127.0.0.1:${sys.relayPort}`;
    const real = await sys.enrollAgent('real');
    computerId = real.computerId;
    sys.startAgent(real.stateDir);
    // A second enrolled computer whose credential a hostile client uses.
    const hostile = await sys.enrollAgent('hostile');
    credential = (
      JSON.parse(await readFile(join(hostile.stateDir, 'state.json'), 'utf8')) as { credential: string }
    ).credential;
    await eventually(async () => (await storedPoints(sys, computerId)).length >= 2, 30_000, 'first samples');
  });

  afterAll(async () => {
    await sys?.stop();
  });

  it('closes a flooding client with rateLimited while the real agent keeps storing samples', async () => {
    const flooder = await helloClient(sys.relayUrl, credential);
    for (let i = 0; i < 20_000 && flooder.ws.readyState === WebSocket.OPEN; i += 1) {
      flooder.ws.send(JSON.stringify({ type: 'ping', ts: i }));
    }
    const closed = await flooder.closed;
    expect(closed.code).toBe(4429);
    expect(closed.reason).toMatch(/too many frames: over 20\/s/);
    const before = (await storedPoints(sys, computerId)).length;
    await eventually(
      async () => (await storedPoints(sys, computerId)).length >= before + 2,
      20_000,
      'more samples after the flood',
    );
    expect(sys.relay?.running).toBe(true);
  });

  it('closes a client that sends an oversized frame with 1009, and only that one', async () => {
    const big = await helloClient(sys.relayUrl, credential);
    big.ws.send(JSON.stringify({ type: 'ping', ts: 1, pad: 'x'.repeat(2 * 1024 * 1024) }));
    const closed = await big.closed;
    expect(closed.code).toBe(1009);
    const before = (await storedPoints(sys, computerId)).length;
    await eventually(
      async () => (await storedPoints(sys, computerId)).length >= before + 2,
      20_000,
      'more samples after the oversized frame',
    );
  });

  it('answers 429 with Retry-After once one address tries too often', async () => {
    let last: { status: number; retryAfter?: string } = { status: 0 };
    for (let i = 0; i < 40 && last.status !== 429; i += 1)
      last = await attempt(sys.relayUrl, 'lma_not-a-credential');
    expect(last.status).toBe(429);
    expect(Number(last.retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('shows connections, frames, batches, latency and rejections on /metrics', async () => {
    const res = await fetch(`${relayHttp}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await res.text();
    expect(sample(body, 'labmgr_relay_connected_agents')).toBe(1);
    expect(sample(body, 'labmgr_relay_frames_received_total{type="metrics"}')).toBeGreaterThan(2);
    expect(sample(body, 'labmgr_relay_frames_sent_total{type="ack"}')).toBeGreaterThan(0);
    expect(sample(body, 'labmgr_relay_closed_connections_total{code="4429"}')).toBe(1);
    expect(sample(body, 'labmgr_relay_closed_connections_total{code="1009"}')).toBe(1);
    expect(sample(body, 'labmgr_relay_rejected_connections_total{reason="ip_rate_limited"}')).toBe(1);
    expect(sample(body, 'labmgr_relay_rejected_connections_total{reason="unauthorized"}')).toBeGreaterThan(0);
    expect(sample(body, 'labmgr_relay_ingest_batch_size_count')).toBeGreaterThan(0);
    expect(sample(body, 'labmgr_relay_forward_latency_seconds_count')).toBeGreaterThan(2);
    expect(body).toContain('labmgr_relay_spool_bytes');
    expect(body).toContain('process_cpu_seconds_total');
  });

  it('reports /readyz 503 while the backend is down and 200 once it is back', async () => {
    const ready = async () => (await fetch(`${relayHttp}/readyz`)).status;
    await eventually(async () => (await ready()) === 200, 15_000, 'ready');
    const restarted = sys.restartBackend({ downMs: 6000 });
    try {
      await eventually(async () => (await ready()) === 503, 10_000, '/readyz 503 with the backend down');
      const body = (await (await fetch(`${relayHttp}/readyz`)).json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/backend unreachable/);
      expect((await fetch(`${relayHttp}/healthz`)).status).toBe(200);
    } finally {
      await restarted;
    }
    await eventually(async () => (await ready()) === 200, 15_000, '/readyz 200 with the backend back');
  });
});
