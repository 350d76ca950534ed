import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtures } from '@labmgr/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackendClient, ForwardBatch, ForwardItem, SendOutcome } from '../backend/backend-client.js';
import { createIngestForwarder } from './ingest-forwarder.js';

const A = '6c3f2a1e-1b2c-4d5e-8f90-1234567890ab';
const B = '7d4a3b2f-2c3d-4e6f-9a01-234567890abc';

function metrics(computerId: string, seq: number): ForwardItem {
  return {
    computerId,
    receivedAt: 1,
    text: JSON.stringify({ type: 'metrics', seq, sample: fixtures.sample(), dropped: 0 }),
  };
}

const frameSeq = (i: ForwardItem) => (JSON.parse(i.text) as { seq?: number }).seq;
const seqOf = (i: ForwardItem) => `${i.computerId === A ? 'A' : 'B'}${frameSeq(i) ?? '?'}`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'labmgr-ingest-spool-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A backend that is down until `up` is set, then stores and acks the highest seq per computer. */
function backendDouble() {
  const stored: ForwardBatch[] = [];
  const state = { up: false, attempts: 0 };
  const backend: Pick<BackendClient, 'ingest'> = {
    async ingest(batch): Promise<SendOutcome<{ acks: Array<{ computerId: string; seq: number }> }>> {
      state.attempts += 1;
      if (!state.up) return { kind: 'failed', reason: 'connect ECONNREFUSED' };
      stored.push(batch);
      const acks = new Map<string, number>();
      for (const i of batch.items) {
        const seq = frameSeq(i);
        if (seq !== undefined) acks.set(i.computerId, seq);
      }
      return { kind: 'ok', value: { acks: [...acks].map(([computerId, seq]) => ({ computerId, seq })) } };
    },
  };
  return { backend, stored, state };
}

function forwarder(backend: Pick<BackendClient, 'ingest'>, acks: string[], memoryItems = 2) {
  return createIngestForwarder({
    backend,
    relayId: 'relay-test',
    logger: pino({ level: 'silent' }),
    deliverAck: (computerId, seq) => acks.push(`${computerId === A ? 'A' : 'B'}${seq}`),
    tuning: { maxBatch: 4, maxDelayMs: 1, retryInitialMs: 5, retryMaxMs: 5 },
    memoryItems: () => memoryItems,
    spool: { dir, maxBytes: 1024 * 1024, segmentBytes: 4096 },
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ingest forwarder with a spool', () => {
  it('spools while the backend is down, then stores everything once, in order, and acks only then', async () => {
    const { backend, stored, state } = backendDouble();
    const acks: string[] = [];
    const f = forwarder(backend, acks);
    for (let seq = 1; seq <= 10; seq++) {
      expect(f.enqueue(metrics(A, seq), 100)).toBe(true);
      expect(f.enqueue(metrics(B, seq), 100)).toBe(true);
    }
    await until(() => state.attempts >= 3, 'a few failed attempts');
    expect(f.size).toBe(20);
    // Memory holds 4x the pacing level (2): the rest went to disk.
    expect(f.spooledItems).toBe(12);
    expect(f.spoolBytes).toBeGreaterThan(0);
    expect(acks).toEqual([]);

    state.up = true;
    await expect(f.drain(5000)).resolves.toBe(0);
    const sent = stored.flatMap((b) => b.items.map(seqOf));
    expect(sent).toEqual(Array.from({ length: 10 }, (_, i) => [`A${i + 1}`, `B${i + 1}`]).flat());
    // Full batches after the outage.
    expect(stored.map((b) => b.items.length)).toEqual([4, 4, 4, 4, 4]);
    expect(acks.at(-2)).toBe('A10');
    expect(acks.at(-1)).toBe('B10');
    expect(f.spoolBytes).toBe(0);
    expect(f.spooledItems).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    f.stop();
  });

  it('replays a stopped relay’s queue in the next run before new frames, withholding the replay’s acks', async () => {
    const down = backendDouble();
    const first = forwarder(down.backend, []);
    for (let seq = 1; seq <= 5; seq++) first.enqueue(metrics(A, seq), 100);
    await until(() => down.state.attempts >= 1, 'a failed attempt');
    await expect(first.drain(20)).resolves.toBe(5);
    first.stop();
    expect(readdirSync(dir).length).toBeGreaterThan(0);

    const { backend, stored, state } = backendDouble();
    state.up = true;
    const acks: string[] = [];
    const second = forwarder(backend, acks);
    expect(second.size).toBe(5);
    // The agent reconnected and re-sends what it still holds, then goes on.
    for (let seq = 1; seq <= 7; seq++) second.enqueue(metrics(A, seq), 100);
    await expect(second.drain(5000)).resolves.toBe(0);
    expect(stored.flatMap((b) => b.items.map(seqOf))).toEqual([
      'A1',
      'A2',
      'A3',
      'A4',
      'A5',
      'A1',
      'A2',
      'A3',
      'A4',
      'A5',
      'A6',
      'A7',
    ]);
    // Only this run's batches are acked: the replay alone could ack past a gap.
    expect(acks).toEqual(['A4', 'A7']);
    expect(readdirSync(dir)).toEqual([]);
    second.stop();
  });

  it('refuses frames when the spool is full, so the relay can ask the agent to retry later', async () => {
    const { backend } = backendDouble();
    const f = createIngestForwarder({
      backend,
      relayId: 'relay-test',
      logger: pino({ level: 'silent' }),
      deliverAck: () => {},
      tuning: { maxDelayMs: 1, retryInitialMs: 5, retryMaxMs: 5 },
      memoryItems: () => 1,
      spool: { dir, maxBytes: 4096 },
    });
    let accepted = 0;
    while (f.enqueue(metrics(A, accepted + 1), 100)) accepted += 1;
    expect(accepted).toBeGreaterThan(1);
    expect(f.spoolBytes).toBeLessThanOrEqual(4096);
    expect(f.size).toBe(accepted);
    f.stop();
  });
});
