import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentFrame, fixtures, parseFrame } from '@labmgr/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Outbox, type OutboxSocket } from '../connection/outbox.js';
import { createLogger } from '../logging/logger.js';
import { DiskSampleStore } from './disk-sample-store.js';
import { MemorySampleBuffer, type SampleStore } from './sample-buffer.js';

/**
 * Issue 13: every sample that never reaches the backend is counted once in
 * the agent's total and reported once in the `dropped` fields of the frames
 * the backend stores, however evictions, sends, acks and reconnects interleave.
 * The relay below stores, in order, a prefix of what each connection carried,
 * and (like the real relay's shutdown) acks what it stored before the
 * connection goes; the rest of that connection's frames are lost in transit.
 */

class Wire implements OutboxSocket {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  readonly inTransit: Array<{ seq: number; dropped: number }> = [];
  send(text: string, cb: (err?: Error) => void): void {
    const frame = parseFrame(AgentFrame, text);
    if (frame.ok && frame.value.type === 'metrics')
      this.inTransit.push({ seq: frame.value.seq, dropped: frame.value.dropped });
    cb();
  }
}

class Simulation {
  /** seq → the `dropped` of the stored frame (the backend keeps the first copy only). */
  readonly stored = new Map<number, number>();
  private wire: Wire | undefined;
  private outbox: Outbox | undefined;
  private storedHere = 0;
  lastSeq = 0;

  constructor(public store: SampleStore) {}

  connect(): void {
    if (this.wire) this.disconnect();
    this.wire = new Wire();
    this.outbox = new Outbox(this.wire, this.store);
    this.storedHere = 0;
    this.outbox.flush();
  }

  push(): void {
    this.lastSeq += 1;
    this.store.push(this.lastSeq, fixtures.sample(this.lastSeq));
    this.outbox?.flush();
  }

  /** The relay stores the next `n` frames of this connection. */
  storeNext(n: number): void {
    const wire = this.wire;
    if (!wire) return;
    for (const f of wire.inTransit.slice(this.storedHere, this.storedHere + n)) {
      if (!this.stored.has(f.seq)) this.stored.set(f.seq, f.dropped);
    }
    this.storedHere = Math.min(wire.inTransit.length, this.storedHere + n);
  }

  /** The relay's cumulative ack: the highest stored seq. */
  ack(): void {
    if (!this.wire || this.stored.size === 0) return;
    this.store.ack(Math.max(...this.stored.keys()));
    this.outbox?.flush();
  }

  /** The connection ends; what this connection carried but the relay did not store is lost. */
  disconnect(): void {
    this.ack();
    if (this.wire) this.wire.readyState = WebSocket.CLOSED;
    this.outbox?.close();
    this.wire = undefined;
    this.outbox = undefined;
  }

  /** Connects, delivers everything, and pushes one more so that any pending count is carried. */
  settle(): void {
    if (!this.wire) this.connect();
    for (let i = 0; i < 2; i++) {
      this.storeNext(Number.MAX_SAFE_INTEGER);
      this.ack();
      this.push();
    }
    this.storeNext(Number.MAX_SAFE_INTEGER);
    this.ack();
  }

  missing(): number {
    let n = 0;
    for (let seq = 1; seq <= this.lastSeq; seq++) if (!this.stored.has(seq)) n += 1;
    return n;
  }

  reported(): number {
    let n = 0;
    for (const d of this.stored.values()) n += d;
    return n;
  }
}

let dir: string;
const opened: DiskSampleStore[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-agent-loss-'));
});
afterEach(async () => {
  for (const s of opened.splice(0)) s.close();
  await rm(dir, { recursive: true, force: true });
});

async function diskStore(maxSamples: number): Promise<DiskSampleStore> {
  const store = await DiskSampleStore.open(dir, {
    bootId: 'boot-1',
    log: createLogger('silent'),
    maxSamples,
    compactAfterBytes: 4096,
  });
  opened.push(store);
  return store;
}

const stores: Array<[string, (capacity: number) => Promise<SampleStore>]> = [
  ['DiskSampleStore', diskStore],
  ['MemorySampleBuffer', async (capacity) => new MemorySampleBuffer(capacity)],
];

describe.each(stores)('%s loss accounting', (_name, make) => {
  it('does not count a sent frame evicted before its ack as lost (full buffer, acks every 5 samples)', async () => {
    const sim = new Simulation(await make(3));
    sim.connect();
    for (let i = 1; i <= 40; i++) {
      sim.push();
      sim.storeNext(1);
      if (i % 5 === 0) sim.ack();
    }
    sim.settle();
    expect(sim.missing()).toBe(0);
    expect(sim.store.droppedTotal).toBe(0);
    expect(sim.reported()).toBe(0);
  });

  it('counts once what the full buffer loses while disconnected, even when reporters are evicted too', async () => {
    const sim = new Simulation(await make(3));
    sim.connect();
    for (let i = 0; i < 6; i++) sim.push(); // 4..6 evict 1..3, sent and not acked yet
    sim.storeNext(4);
    sim.disconnect(); // 1..4 stored and acked; 5 and 6 lost in transit
    for (let i = 0; i < 10; i++) sim.push(); // 7..16 evict 5..13, reporters of earlier losses included
    sim.connect();
    sim.push(); // 17 evicts 14, which just went out again
    sim.storeNext(2);
    sim.ack();
    sim.settle();
    expect(sim.missing()).toBe(9); // 5..13
    expect(sim.store.droppedTotal).toBe(9);
    expect(sim.reported()).toBe(9);
  });

  it('counts a sent and evicted frame as lost when its connection ends without storing it', async () => {
    const sim = new Simulation(await make(2));
    sim.connect();
    for (let i = 0; i < 5; i++) sim.push(); // 3..5 evict 1..3 in flight
    sim.storeNext(1);
    sim.disconnect(); // only 1 stored: 2 and 3 (evicted) and 4, 5 (still buffered) did not arrive
    sim.settle();
    expect(sim.missing()).toBe(2);
    expect(sim.store.droppedTotal).toBe(2);
    expect(sim.reported()).toBe(2);
  });

  it('agrees with the stored series over random interleavings', { timeout: 30_000 }, async () => {
    let seed = 13;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 10; round++) {
      const sim = new Simulation(await make(1 + Math.floor(random() * 5)));
      for (let step = 0; step < 200; step++) {
        const r = random();
        if (r < 0.5) sim.push();
        else if (r < 0.7) sim.storeNext(Math.floor(random() * 4));
        else if (r < 0.85) sim.ack();
        else if (r < 0.93) sim.disconnect();
        else sim.connect();
      }
      sim.settle();
      expect(sim.store.droppedTotal).toBe(sim.missing());
      expect(sim.reported()).toBe(sim.missing());
      for (const s of opened.splice(0)) s.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('DiskSampleStore loss accounting across restarts', () => {
  it('keeps in-flight evictions through compaction and a restart: acked ones are not lost', async () => {
    const store = await diskStore(2);
    for (let seq = 1; seq <= 40; seq++) {
      store.push(seq, fixtures.sample(seq));
      store.sent(seq);
    }
    // 1..38 were evicted in flight; compaction ran meanwhile. The process dies.
    opened.splice(opened.indexOf(store), 1);
    const again = await diskStore(2);
    expect(again.droppedTotal).toBe(38);
    // 41 evicts 39, unsent in this run: one more.
    expect(again.push(41, fixtures.sample()).dropped).toBe(39);
    expect(again.droppedTotal).toBe(39);
  });

  it('forgets in-flight evictions that an ack covered, after a restart too', async () => {
    const store = await diskStore(2);
    for (let seq = 1; seq <= 40; seq++) {
      store.push(seq, fixtures.sample(seq));
      store.sent(seq);
    }
    store.ack(39);
    store.connectionEnded();
    expect(store.droppedTotal).toBe(0);
    store.close();
    opened.splice(opened.indexOf(store), 1);
    const again = await diskStore(2);
    expect(again.droppedTotal).toBe(0);
    expect(again.push(41, fixtures.sample()).dropped).toBe(0);
    expect(again.size).toBe(2);
  });
});
