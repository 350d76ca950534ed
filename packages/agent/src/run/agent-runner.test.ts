import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AgentFrame,
  fixtures,
  type Inventory,
  type MetricSample,
  type MetricsFrame,
} from '@labmgr/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeRelay } from '../../test/fake-relay.js';
import { openSampleBuffer } from '../buffer/open-buffer.js';
import { SeqAllocator } from '../buffer/seq-allocator.js';
import type { Collector } from '../collectors/collector.js';
import { silentLogger } from '../logging/logger.js';
import { readRunStatus } from '../state/run-status.js';
import { AgentRunner, type AgentRunnerOptions } from './agent-runner.js';

const isMetrics = (f: AgentFrame): f is MetricsFrame => f.type === 'metrics';

/** Scripted collector: a queue of samples (then a default) and a mutable inventory. */
class FakeCollector implements Collector {
  inventoryValue: Inventory = fixtures.inventory();
  readonly samples: MetricSample[] = [];
  /** `withProcessLists` of each call. */
  readonly listsAsked: boolean[] = [];
  async inventory() {
    return this.inventoryValue;
  }
  async sample(withProcessLists = false) {
    this.listsAsked.push(withProcessLists);
    return this.samples.shift() ?? fixtures.sample(Date.now());
  }
}

let dir: string;
let relay: FakeRelay;
const runners: AgentRunner[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-agent-run-'));
  relay = await FakeRelay.start();
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  await relay.close();
  await rm(dir, { recursive: true, force: true });
});

async function startRunner(
  collector: Collector,
  overrides: Partial<AgentRunnerOptions> = {},
): Promise<AgentRunner> {
  const runner = new AgentRunner({
    state: {
      computerId: '0b4c8a3e-5f0e-4e7a-9b2d-1c3d4e5f6a7b',
      credential: 'cred',
      relayUrl: relay.url,
      serverCertFingerprint: null,
      commandPublicKey: null,
      serverUrl: 'http://127.0.0.1:1',
      enrolledAt: '2024-05-01T10:00:00.000Z',
    },
    stateDir: dir,
    collector,
    seq: await SeqAllocator.open(dir, { blockSize: 5 }),
    log: silentLogger(),
    agentVersion: '0.1.0',
    intervalMs: 5,
    inventoryCheckMs: 5,
    statusWriteMs: 5,
    connection: { backoff: { baseMs: 5, capMs: 20 } },
    ...overrides,
  });
  runners.push(runner);
  await runner.start();
  return runner;
}

describe('AgentRunner', () => {
  it('numbers valid samples consecutively, skips invalid ones, and re-sends a changed inventory', async () => {
    const collector = new FakeCollector();
    const bad = fixtures.sample(1, 12);
    bad.cpu.percent = 250;
    collector.samples.push(fixtures.sample(1), bad, fixtures.sample(2));
    await startRunner(collector);
    const side = await relay.connection(0);
    await side.frames(1);
    side.welcome();

    const metrics = (await side.frames(5)).filter(isMetrics);
    expect(metrics.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(metrics[1]?.sample.cpu.percent).toBe(12.5);

    collector.inventoryValue = { ...fixtures.inventory(), users: [] };
    const inventories = () => side.received.filter((f) => f.type === 'inventory');
    while (inventories().length < 2) await side.frames(side.received.length + 1);
    expect(inventories()[1]).toEqual({ type: 'inventory', inventory: collector.inventoryValue });
    expect(side.invalid).toEqual([]);
  });

  it('writes its status to status.json', async () => {
    await startRunner(new FakeCollector());
    const side = await relay.connection(0);
    side.welcome();
    const first = await side.waitFor(isMetrics);
    side.send({ type: 'ack', seq: first.seq });
    for (;;) {
      const status = await readRunStatus(dir);
      if (status?.connected && status.lastAckSeq === first.seq) {
        expect(status).toMatchObject({
          pid: process.pid,
          state: 'ready',
          relayUrl: relay.url,
          droppedSamples: 0,
        });
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });

  it('keeps its status fresh when sampling is slower than the status interval', async () => {
    // The status normally rides on a sample; with samples a minute apart its own timer writes it.
    await startRunner(new FakeCollector(), { intervalMs: 60_000, statusWriteMs: 20 });
    const first = await readRunStatus(dir);
    for (;;) {
      const status = await readRunStatus(dir);
      if (first && status && status.updatedAt > first.updatedAt) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });

  it('continues numbering above the previous run after a restart', async () => {
    const first = await startRunner(new FakeCollector());
    const side = await relay.connection(0);
    side.welcome();
    await side.waitFor(isMetrics);
    await first.stop();
    const lastIssued = first.status().lastSeq ?? Number.POSITIVE_INFINITY;
    runners.splice(runners.indexOf(first), 1);

    await startRunner(new FakeCollector());
    const again = await relay.connection(1);
    again.welcome();
    const metrics = (await again.frames(4)).filter(isMetrics);
    // The unacked samples of the first run are gone with its memory; the new ones never reuse a number.
    expect(metrics.every((m) => m.seq > lastIssued)).toBe(true);
  });

  it('samples at the live-mode interval until its lease lapses, and shows it in the status', async () => {
    const collector = new FakeCollector();
    const runner = await startRunner(collector, { intervalMs: 60_000 });
    const side = await relay.connection(0);
    await side.frames(1);
    side.welcome();
    await side.frames(2);
    expect(side.received.filter(isMetrics)).toHaveLength(0);
    const before = collector.listsAsked.length;
    side.send({ type: 'live-mode', intervalMs: 250, ttlSec: 1 });
    await side.waitFor(isMetrics);
    expect(runner.status()).toMatchObject({ intervalMs: 60_000, liveMode: { intervalMs: 250 } });
    // The first sample after the live-mode frame carries the process lists; the next only if a walk ran.
    const asked = collector.listsAsked.slice(before);
    expect(collector.listsAsked.slice(0, before).every((a) => !a)).toBe(true);
    expect(asked[0]).toBe(true);
    expect(asked.slice(1).every((a) => !a)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    const count = side.received.filter(isMetrics).length;
    expect(count).toBeGreaterThanOrEqual(3);
    expect(runner.status().liveMode).toBeNull();
    // Back at 60 s: nothing more for now.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(side.received.filter(isMetrics).length).toBeLessThanOrEqual(count + 1);
  });

  it('with the disk journal, re-sends unacked samples after a restart and numbers on without a gap', async () => {
    const open = () => openSampleBuffer(dir, { log: silentLogger(), bootId: 'boot', seqBlockSize: 5 });
    const first = await open();
    const runner = await startRunner(new FakeCollector(), { ...first, intervalMs: 5 });
    const side = await relay.connection(0);
    side.welcome();
    while (side.received.filter(isMetrics).length < 4) await side.frames(side.received.length + 1);
    side.send({ type: 'ack', seq: 2 });
    while ((runner.status().lastAckSeq ?? 0) < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await runner.stop();
    runners.splice(runners.indexOf(runner), 1);
    const lastSeq = runner.status().lastSeq ?? 0;

    const second = await open();
    await startRunner(new FakeCollector(), { ...second, intervalMs: 60_000 });
    const again = await relay.connection(1);
    again.welcome();
    await again.waitFor((f): f is MetricsFrame => isMetrics(f) && f.seq === lastSeq);
    const resent = again.received.filter(isMetrics).map((m) => m.seq);
    expect(resent).toEqual(Array.from({ length: lastSeq - 2 }, (_, i) => i + 3));
    expect(await second.seq.next()).toBe(lastSeq + 1);
    second.store.close();
  });
});
