/**
 * One load-generator process of bench/relay-load.ts (forked, IPC to the
 * parent): opens a WebSocket per simulated agent, speaks the agent protocol
 * (hello → welcome, one metrics frame per second with increasing seq spread
 * uniformly over the second, pong to ping, acks counted and timed, live-mode
 * frames reported the moment they arrive) and reports counters over IPC.
 *
 * Kept light on purpose (no zod, no protocol import): its CPU competes with
 * the relay's on the same machine.
 */
import WebSocket from 'ws';
import {
  type GeneratorCommand,
  type GeneratorReport,
  type GeneratorStats,
  Histogram,
  preciseNow,
  type SimAgent,
} from './relay-load-ipc.js';

interface Conn {
  agent: SimAgent;
  ws: WebSocket | null;
  open: boolean;
  seq: number;
  /** Send times of unacked frames; entry k is seq `firstUnacked + k`. */
  pending: number[];
  pendingHead: number;
  firstUnacked: number;
  /** Last seq written before the current window began. */
  windowFrom: number;
}

const send = (msg: GeneratorReport) => process.send?.(msg);

let mode: 'relay' | 'bare' = 'relay';
let conns: Conn[] = [];
let sampleTail = '';
let sampleTails: string[] = [];
let runTimer: NodeJS.Timeout | undefined;
let stopping = false;

// Window counters.
let windowStartedAt = preciseNow();
let inWindow = false;
let sent = 0;
let acked = 0;
let ackFrames = 0;
let pings = 0;
let skipped = 0;
let maxBuffered = 0;
let closes: Record<string, number> = {};
let latency = new Histogram();

function resetWindow(): void {
  windowStartedAt = preciseNow();
  inWindow = true;
  sent = 0;
  acked = 0;
  ackFrames = 0;
  pings = 0;
  skipped = 0;
  maxBuffered = 0;
  closes = {};
  latency = new Histogram();
}

function stats(): GeneratorStats {
  const now = preciseNow();
  let unacked = 0;
  let open = 0;
  for (const c of conns) {
    if (c.open) open += 1;
    // Frames written since the window began and not yet covered by an ack.
    unacked += Math.max(0, c.seq - Math.max(c.windowFrom, c.firstUnacked - 1));
  }
  return {
    seconds: (now - windowStartedAt) / 1000,
    sent,
    acked,
    ackFrames,
    unacked: mode === 'relay' ? unacked : 0,
    ackLatency: latency.toJSON(),
    pings,
    open,
    closes,
    maxBuffered,
    skipped,
  };
}

function onFrame(c: Conn, data: WebSocket.RawData, welcomed: () => void): void {
  const text = Array.isArray(data) ? Buffer.concat(data).toString() : data.toString();
  let frame: { type?: unknown; seq?: unknown; ts?: unknown; command?: unknown };
  try {
    frame = JSON.parse(text) as typeof frame;
  } catch {
    return;
  }
  switch (frame.type) {
    case 'welcome':
      welcomed();
      return;
    case 'ack': {
      if (typeof frame.seq !== 'number') return;
      ackFrames += 1;
      const now = preciseNow();
      while (c.firstUnacked <= frame.seq && c.pendingHead < c.pending.length) {
        const at = c.pending[c.pendingHead] ?? now;
        c.pendingHead += 1;
        c.firstUnacked += 1;
        if (inWindow) {
          acked += 1;
          latency.add(now - at);
        }
      }
      if (c.pendingHead > 64 && c.pendingHead * 2 > c.pending.length) {
        c.pending = c.pending.slice(c.pendingHead);
        c.pendingHead = 0;
      }
      if (c.firstUnacked <= frame.seq) c.firstUnacked = frame.seq + 1;
      return;
    }
    case 'ping':
      pings += 1;
      c.ws?.send(JSON.stringify({ type: 'pong', ts: frame.ts }));
      return;
    case 'live-mode':
      send({ type: 'live-mode', computerId: c.agent.computerId, at: preciseNow() });
      return;
    case 'command': {
      const at = preciseNow();
      const commandId = (frame.command as { id?: unknown } | undefined)?.id;
      if (typeof commandId !== 'string') return;
      send({ type: 'command', computerId: c.agent.computerId, commandId, at });
      // A real agent verifies the signature and spawns; this one reports at once.
      const now = Date.now();
      c.ws?.send(JSON.stringify({ type: 'command-started', commandId, startedAt: now }));
      c.ws?.send(
        JSON.stringify({
          type: 'command-result',
          commandId,
          status: 'succeeded',
          exitCode: 0,
          signal: null,
          startedAt: now,
          finishedAt: now,
          durationMs: 0,
          truncated: false,
          message: null,
        }),
      );
      return;
    }
    default:
      return;
  }
}

/** One connection attempt; resolves with an error label, or null once ready to send. */
function connectOnce(
  c: Conn,
  url: string,
  protocolVersion: number,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; why: string; retry: boolean }> {
  return new Promise((resolve) => {
    let settled = false;
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${c.agent.credential}` },
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
    });
    const done = (r: { ok: true } | { ok: false; why: string; retry: boolean }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!r.ok) {
        ws.removeAllListeners();
        ws.on('error', () => {});
        ws.terminate();
      }
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, why: 'timeout', retry: true }), timeoutMs);
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      done({
        ok: false,
        why: `http ${res.statusCode}`,
        retry: res.statusCode === 503 || res.statusCode === 429,
      });
    });
    ws.on('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, why: err.code ?? err.message, retry: true }),
    );
    ws.on('close', (code) => {
      if (!settled) done({ ok: false, why: `closed ${code}`, retry: true });
      else if (c.open) {
        c.open = false;
        closes[code] = (closes[code] ?? 0) + 1;
      }
    });
    ws.on('message', (data) =>
      onFrame(c, data, () => {
        c.open = true;
        done({ ok: true });
      }),
    );
    ws.on('open', () => {
      c.ws = ws;
      ws.send(
        JSON.stringify({
          type: 'hello',
          protocolVersion,
          agentVersion: 'relay-load-0.1.0',
          hostname: `sim-${c.agent.computerId.slice(0, 8)}`,
        }),
      );
      if (mode === 'bare') {
        c.open = true;
        done({ ok: true });
      }
    });
  });
}

async function connectAll(cmd: Extract<GeneratorCommand, { type: 'start' }>): Promise<void> {
  let next = 0;
  let connected = 0;
  let failed = 0;
  let retries = 0;
  const errors: Record<string, number> = {};
  const deadline = Date.now() + cmd.connectTimeoutMs;
  const worker = async () => {
    for (;;) {
      const c = conns[next++];
      if (!c || stopping) return;
      for (let attempt = 0; ; attempt++) {
        const r = await connectOnce(c, cmd.url, cmd.protocolVersion, 30_000);
        if (r.ok) {
          connected += 1;
          break;
        }
        errors[r.why] = (errors[r.why] ?? 0) + 1;
        if (!r.retry || attempt >= 20 || Date.now() > deadline || stopping) {
          failed += 1;
          break;
        }
        retries += 1;
        await new Promise((res) => setTimeout(res, 500 + Math.random() * 1500));
      }
    }
  };
  await Promise.all(Array.from({ length: cmd.connectConcurrency }, worker));
  send({ type: 'ready', connected, failed, retries, errors });
}

function metricsFrame(seq: number, at: number): string {
  const tail = sampleTails.length > 0 ? sampleTails[seq % sampleTails.length] : sampleTail;
  return `{"type":"metrics","seq":${seq},"dropped":0,"sample":{"at":${at}${tail}}`;
}

/** One frame per agent per second, agent i at offset i/n of the second; catches up after a stall. */
function run(): void {
  const n = conns.length;
  if (n === 0) return;
  const t0 = performance.now();
  let due = 0;
  runTimer = setInterval(() => {
    const target = Math.floor(((performance.now() - t0) * n) / 1000);
    const now = Date.now();
    for (; due < target; due++) {
      const c = conns[due % n] as Conn;
      const ws = c.ws;
      if (!c.open || !ws || ws.readyState !== WebSocket.OPEN) {
        if (inWindow) skipped += 1;
        continue;
      }
      c.seq += 1;
      ws.send(metricsFrame(c.seq, now));
      if (mode === 'relay') c.pending.push(preciseNow());
      if (inWindow) {
        sent += 1;
        if (ws.bufferedAmount > maxBuffered) maxBuffered = ws.bufferedAmount;
      }
    }
  }, 5);
}

async function stop(): Promise<void> {
  stopping = true;
  if (runTimer) clearInterval(runTimer);
  const closed = conns.map(
    (c) =>
      new Promise<void>((resolve) => {
        const ws = c.ws;
        c.open = false;
        if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close(1000, 'load generator done');
      }),
  );
  const timeout = new Promise<void>((r) => setTimeout(r, 5000));
  await Promise.race([Promise.all(closed), timeout]);
  for (const c of conns) c.ws?.terminate();
  send({ type: 'stopped' });
  setTimeout(() => process.exit(0), 100);
}

process.on('message', (msg: GeneratorCommand) => {
  switch (msg.type) {
    case 'start':
      mode = msg.mode;
      sampleTail = msg.sampleTail;
      sampleTails = msg.sampleTails ?? [];
      conns = msg.agents.map((agent) => ({
        agent,
        ws: null,
        open: false,
        seq: msg.seqStart - 1,
        pending: [],
        pendingHead: 0,
        firstUnacked: msg.seqStart,
        windowFrom: msg.seqStart - 1,
      }));
      void connectAll(msg);
      return;
    case 'run':
      run();
      return;
    case 'window-start':
      resetWindow();
      for (const c of conns) c.windowFrom = c.seq;
      return;
    case 'window-end':
      send({ type: 'stats', stats: stats() });
      inWindow = false;
      return;
    case 'quiet':
      if (runTimer) clearInterval(runTimer);
      runTimer = undefined;
      return;
    case 'report':
      send({ type: 'stats', stats: stats() });
      return;
    case 'stop':
      void stop();
      return;
  }
});
// The parent went away: never outlive it.
process.on('disconnect', () => process.exit(0));
