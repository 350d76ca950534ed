// Half-open connections (slowloris) against the real relay and backend: a TCP
// connection whose request or upgrade never completes is closed after the
// configured headers timeout, and beyond the configured cap a new one is
// closed at once; agents' and browsers' WebSockets and keep-alive HTTP stay.
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { fixtures, PROTOCOL_VERSION } from '@labmgr/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, type System, sleep, startSystem } from '../harness.js';
import { storedPoints } from './agent-helpers.js';

const TIMEOUT_SEC = 2;
const CAP = 5;
/** Node checks for expired headers once per interval (500 ms here): closed by timeout + 1.5 s. */
const SLACK_MS = 1500;

interface Tracked {
  socket: Socket;
  /** Milliseconds from connecting until the server closed it. */
  closedAfter: Promise<number>;
}

let nextHost = 10;
/**
 * A raw TCP client that reads (so it sees the server's close) and sends `text`, if any.
 * Each comes from its own loopback address (127.0.0.10, .11, …: Linux routes all of
 * 127/8 to lo) unless `from` is given, since one address may hold only one here.
 */
function open(port: number, text?: string, from = `127.0.0.${nextHost++}`): Tracked {
  const socket = connect({ port, host: '127.0.0.1', localAddress: from });
  const start = Date.now();
  socket.on('error', () => {});
  socket.resume();
  if (text !== undefined) socket.write(text);
  return { socket, closedAfter: once(socket, 'close').then(() => Date.now() - start) };
}

/** True if `p` settles within `ms`. */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.then(() => true),
    new Promise<boolean>((r) => {
      timer = setTimeout(() => r(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** An agent credential's WebSocket through its hello; resolves at `welcome`. */
function agentSocket(url: string, credential: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${credential}` } });
    ws.once('open', () =>
      ws.send(JSON.stringify({ ...fixtures.hello(), protocolVersion: PROTOCOL_VERSION })),
    );
    ws.once('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string };
      if (frame.type === 'welcome') resolve(ws);
      else reject(new Error(`expected welcome, got ${frame.type}`));
    });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function metric(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('half-open connections on the real relay and backend', () => {
  let sys: System;
  let computerId = '';
  let credential = '';
  let backendPort = 0;

  beforeAll(async () => {
    sys = await startSystem({
      env: {
        LABMGR_HEADERS_TIMEOUT_SEC: String(TIMEOUT_SEC),
        LABMGR_MAX_PENDING_CONNECTIONS: String(CAP),
        LABMGR_MAX_PENDING_PER_ADDRESS: '1',
      },
    });
    backendPort = Number(new URL(sys.backendUrl).port);
    await sys.startRelay({
      LABMGR_RELAY_HEADERS_TIMEOUT: String(TIMEOUT_SEC),
      LABMGR_RELAY_MAX_PENDING_CONNECTIONS: String(CAP),
      LABMGR_RELAY_MAX_PENDING_PER_ADDRESS: '1',
    });
    // A real agent stays connected throughout; a second credential is used by raw clients.
    const real = await sys.enrollAgent('real');
    computerId = real.computerId;
    sys.startAgent(real.stateDir);
    const other = await sys.enrollAgent('raw');
    credential = (
      JSON.parse(await readFile(join(other.stateDir, 'state.json'), 'utf8')) as { credential: string }
    ).credential;
    await eventually(async () => (await storedPoints(sys, computerId)).length >= 1, 30_000, 'first sample');
  }, 60_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it.each([
    ['relay', () => sys.relayPort, '/agent'],
    ['backend', () => backendPort, '/api/v1/live'],
  ])(
    '%s: closes a silent socket, a partial request line and partial upgrade headers after the timeout',
    async (_name, port, path) => {
      const sockets = [
        open(port()),
        open(port(), `GET ${path.slice(0, 4)}`),
        open(
          port(),
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n`,
        ),
      ];
      try {
        // Bounded: before the fix Node closed them only after 60-90 s.
        for (const s of sockets)
          expect(await within(s.closedAfter, TIMEOUT_SEC * 1000 + SLACK_MS + 200)).toBe(true);
        for (const s of sockets) {
          const ms = await s.closedAfter;
          expect(ms).toBeGreaterThanOrEqual(TIMEOUT_SEC * 1000 - 100);
          expect(ms).toBeLessThanOrEqual(TIMEOUT_SEC * 1000 + SLACK_MS);
        }
      } finally {
        for (const s of sockets) s.socket.destroy();
      }
    },
  );

  it.each([
    ['relay', () => sys.relayPort],
    ['backend', () => backendPort],
  ])(
    '%s: beyond the cap closes new half-open sockets at once, and serves again once they are gone',
    async (name, port) => {
      const held = Array.from({ length: CAP }, () => open(port()));
      // Let the server accept them before the next ones arrive.
      await sleep(300);
      const extra = Array.from({ length: 3 }, () => open(port()));
      try {
        for (const s of extra) expect(await within(s.closedAfter, 500)).toBe(true);
        for (const s of held) expect(await within(s.closedAfter, 0)).toBe(false);
      } finally {
        for (const s of [...held, ...extra]) s.socket.destroy();
      }
      await Promise.all(held.map((s) => s.closedAfter));
      if (name === 'relay') {
        // The server sees the held sockets go a moment after the client does (a busy machine): until then it may
        // still reset a new one. It must serve again within moments.
        let attempts = 0;
        const ws = await eventually(
          () => {
            attempts += 1;
            return agentSocket(sys.relayUrl, credential);
          },
          5_000,
          'the relay to accept an agent again',
        );
        ws.close(1000);
        const body = await (await fetch(`http://127.0.0.1:${port()}/metrics`)).text();
        // The three extra sockets, and any attempt above that came while the server still counted the held ones.
        const rejected = metric(body, 'labmgr_relay_rejected_connections_total{reason="too_many_pending"}');
        expect(rejected).toBeGreaterThanOrEqual(3);
        expect(rejected).toBeLessThanOrEqual(3 + attempts - 1);
      } else {
        expect((await fetch(`${sys.backendUrl}/api/v1/health`)).status).toBe(200);
      }
    },
  );

  it.each([
    ['relay', () => sys.relayPort],
    ['backend', () => backendPort],
  ])('%s: one address cannot take the whole cap; another still gets in', async (name, port) => {
    // One address may hold one half-open connection here (the *_PER_ADDRESS settings above).
    const first = open(port(), undefined, '127.0.0.200');
    await sleep(200);
    const second = open(port(), undefined, '127.0.0.200');
    const other = open(port(), undefined, '127.0.0.201');
    try {
      expect(await within(second.closedAfter, 500)).toBe(true);
      expect(await within(first.closedAfter, 0)).toBe(false);
      expect(await within(other.closedAfter, 300)).toBe(false);
    } finally {
      for (const s of [first, second, other]) s.socket.destroy();
    }
    await Promise.all([first.closedAfter, other.closedAfter]);
    if (name === 'relay') {
      const body = await (await fetch(`http://127.0.0.1:${port()}/metrics`)).text();
      expect(
        metric(body, 'labmgr_relay_rejected_connections_total{reason="too_many_pending_from_address"}'),
      ).toBe(1);
    }
  });

  it('leaves the agent, a browser live socket and an idle keep-alive connection alone past the timeout', async () => {
    const live = new WebSocket(`${sys.backendUrl.replace('http', 'ws')}/api/v1/live`, {
      headers: { cookie: sys.api.cookieHeader, origin: sys.backendUrl },
    });
    const liveClosed = once(live, 'close');
    await once(live, 'open');
    const events: string[] = [];
    live.on('message', (m) => events.push(String(m)));
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = request(`${sys.backendUrl}/api/v1/health`, { agent: keepAlive }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await get()).toEqual({ status: 200, reused: false });
      const before = (await storedPoints(sys, computerId)).length;
      await sleep(TIMEOUT_SEC * 1000 + SLACK_MS + 500);
      expect(await get()).toEqual({ status: 200, reused: true });
      expect(live.readyState).toBe(WebSocket.OPEN);
      // The agent kept sending over its one connection, and the browser heard of it.
      expect((await storedPoints(sys, computerId)).length).toBeGreaterThan(before);
      expect(events.length).toBeGreaterThan(0);
      expect(sys.agents[0]?.output).not.toMatch(/connection to relay closed/);
    } finally {
      keepAlive.destroy();
      live.close();
      await liveClosed;
    }
  });
});
