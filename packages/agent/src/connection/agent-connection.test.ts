import {
  type AgentFrame,
  CloseCode,
  fixtures,
  type MetricsFrame,
  PROTOCOL_VERSION,
  type RelayFrame,
} from '@labmgr/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionHarness } from '../../test/connection-harness.js';
import { FakeRelay } from '../../test/fake-relay.js';
import type { AgentConnection, AgentConnectionOptions } from './agent-connection.js';

const isMetrics = (f: AgentFrame): f is MetricsFrame => f.type === 'metrics';
const isPong = (f: AgentFrame): f is Extract<AgentFrame, { type: 'pong' }> => f.type === 'pong';
const seqsOf = (frames: AgentFrame[]) => frames.filter(isMetrics).map((f) => f.seq);

let relay: FakeRelay;
let conn: AgentConnection | undefined;

beforeEach(async () => {
  relay = await FakeRelay.start();
});
afterEach(async () => {
  await conn?.stop();
  conn = undefined;
  await relay.close();
});

function setup(overrides: Partial<AgentConnectionOptions> = {}) {
  const harness = connectionHarness(relay, { overrides });
  conn = harness.connection;
  return harness;
}

describe('AgentConnection', () => {
  it('sends hello, waits for welcome, then inventory, then buffered and new samples in order', async () => {
    const { connection, store } = setup();
    store.push(1, fixtures.sample(1));
    store.push(2, fixtures.sample(2));
    connection.start();
    const side = await relay.connection(0);

    const [hello] = await side.frames(1);
    expect(hello).toEqual({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: '0.1.0',
      hostname: 'lab1-pc01',
    });
    expect(side.authorization).toBe('Bearer cred-1');
    expect(side.received).toHaveLength(1);

    side.welcome();
    const frames = await side.frames(4);
    expect(frames.map((f) => f.type)).toEqual(['hello', 'inventory', 'metrics', 'metrics']);
    expect(frames[1]).toEqual({ type: 'inventory', inventory: fixtures.inventory() });
    expect(seqsOf(frames)).toEqual([1, 2]);

    store.push(3, fixtures.sample(3));
    connection.flush();
    expect(seqsOf(await side.frames(5))).toEqual([1, 2, 3]);
    expect(connection.status()).toMatchObject({ state: 'ready', connected: true });
    expect(side.invalid).toEqual([]);
  });

  it('re-sends unacked samples after the relay drops the connection, and never acked ones', async () => {
    const { connection, store, event } = setup();
    for (const seq of [1, 2, 3]) store.push(seq, fixtures.sample(seq));
    connection.start();
    const first = await relay.connection(0);
    await first.frames(1);
    first.welcome();
    await first.frames(5);
    first.send({ type: 'ack', seq: 2 });
    expect(await event('ack')).toMatchObject({ seq: 2, removed: 2 });
    expect(store.size).toBe(1);
    first.socket.terminate();

    const second = await relay.connection(1);
    await second.frames(1);
    second.welcome();
    const frames = await second.frames(3);
    expect(frames.map((f) => f.type)).toEqual(['hello', 'inventory', 'metrics']);
    store.push(4, fixtures.sample(4));
    connection.flush();
    expect(seqsOf(await second.frames(4))).toEqual([3, 4]);
    expect(connection.status()).toMatchObject({ connected: true, lastAckSeq: 2 });
  });

  it('logs the close code and reason and reconnects', async () => {
    const { connection, logs, event } = setup();
    connection.start();
    const first = await relay.connection(0);
    first.welcome();
    await event('welcome');
    first.socket.close(CloseCode.tryAgainLater, 'backend unreachable');

    expect(await event('closed')).toEqual({ type: 'closed', code: 1013, reason: 'backend unreachable' });
    expect((await event('retry')).retries).toBe(0);
    const second = await relay.connection(1);
    expect((await second.frames(1))[0]?.type).toBe('hello');
    const line = logs.find((l) => l.includes('connection to relay closed'));
    expect(line).toContain('"code":1013');
    expect(line).toContain('"codeName":"tryAgainLater"');
    expect(line).toContain('backend unreachable');
  });

  it('logs a 401 refusal at the upgrade with its body, backs off and tries again', async () => {
    let attempts = 0;
    relay.decide = () => {
      attempts += 1;
      if (attempts > 1) return { accept: true };
      return {
        accept: false,
        status: 401,
        body: JSON.stringify({ error: { code: 'unauthorized', message: 'credential revoked' } }),
      };
    };
    const { connection, logs, event } = setup();
    connection.start();

    const refused = await event('refused');
    expect(refused.status).toBe(401);
    expect(refused.body).toContain('credential revoked');
    const line = logs.find((l) => l.includes('relay refused the connection'));
    expect(line).toContain('"status":401');
    expect(line).toContain('credential revoked');
    expect(await event('retry')).toMatchObject({ retries: 0 });
    expect(connection.status().lastError).toContain('HTTP 401');

    const side = await relay.connection(0);
    side.welcome();
    await event('welcome');
    expect(attempts).toBe(2);
    expect(connection.status().lastError).toBeNull();
  });

  it('ignores invalid frames and early acks, and answers the relay ping', async () => {
    const { connection, store, logs, event } = setup();
    store.push(1, fixtures.sample(1));
    connection.start();
    const side = await relay.connection(0);
    await side.frames(1);
    side.send({ type: 'ack', seq: 1 } satisfies RelayFrame);
    side.sendRaw('{"type":"welcome"');
    side.send({ type: 'launch-missiles' });
    side.welcome();
    await event('welcome');
    side.send({ type: 'ping', ts: 123 } satisfies RelayFrame);

    expect(await side.waitFor(isPong)).toEqual({ type: 'pong', ts: 123 });
    expect(store.size).toBe(1);
    expect(logs.filter((l) => l.includes('ignoring invalid frame from relay'))).toHaveLength(2);
    expect(logs.some((l) => l.includes('ignoring ack received before welcome'))).toBe(true);
    expect(connection.status().state).toBe('ready');
  });

  it('pings, and terminates a silent (half-open) connection, then reconnects', async () => {
    const { connection, event } = setup({ heartbeat: { intervalMs: 10, timeoutMs: 60 } });
    connection.start();
    const first = await relay.connection(0);
    first.welcome();
    // The fake relay never answers pings: the agent must give up on it.
    const second = await relay.connection(1);
    expect(first.received.some((f) => f.type === 'ping')).toBe(true);
    expect((await event('closed')).code).toBe(1006);
    expect((await second.frames(1))[0]?.type).toBe('hello');
  });

  it('stop() closes with 1001 and does not reconnect', async () => {
    const { connection } = setup();
    connection.start();
    const side = await relay.connection(0);
    side.welcome();
    await side.frames(2);
    const closed = new Promise<number>((resolve) => side.socket.once('close', (code) => resolve(code)));
    await connection.stop();
    expect(await closed).toBe(1001);
    expect(connection.status().state).toBe('stopped');
    expect(relay.connections).toHaveLength(1);
  });
});
