import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtures } from '@labmgr/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

const seqOf = (item: ForwardItem) => (JSON.parse(item.text) as { seq: number }).seq;

function setup(answers: Array<SendOutcome<{ acks: Array<{ computerId: string; seq: number }> }>>) {
  const batches: ForwardBatch[] = [];
  const backend: Pick<BackendClient, 'ingest'> = {
    async ingest(batch) {
      batches.push(batch);
      return answers.shift() ?? { kind: 'ok', value: { acks: [] } };
    },
  };
  const acks: Array<[string, number]> = [];
  const logger = pino({ level: 'silent' });
  const forwarder = createIngestForwarder({
    backend,
    relayId: 'relay-test',
    logger,
    deliverAck: (computerId, seq) => acks.push([computerId, seq]),
    tuning: { retryInitialMs: 1, retryMaxMs: 1 },
  });
  return { forwarder, batches, acks, logger };
}

describe('ingest forwarder', () => {
  it('posts queued frames as one batch and hands each computer its ack', async () => {
    const { forwarder, batches, acks } = setup([
      {
        kind: 'ok',
        value: {
          acks: [
            { computerId: A, seq: 2 },
            { computerId: B, seq: 7 },
          ],
        },
      },
    ]);
    for (const item of [metrics(A, 1), metrics(B, 7), metrics(A, 2)]) forwarder.enqueue(item);
    await expect(forwarder.drain(5000)).resolves.toBe(0);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.relayId).toBe('relay-test');
    expect(batches[0]?.items.map(seqOf)).toEqual([1, 7, 2]);
    expect(acks).toEqual([
      [A, 2],
      [B, 7],
    ]);
  });

  it('retries the batch after a failure and acks only once it is stored', async () => {
    const { forwarder, batches, acks } = setup([
      { kind: 'failed', reason: 'backend answered 503' },
      { kind: 'ok', value: { acks: [{ computerId: A, seq: 1 }] } },
    ]);
    forwarder.enqueue(metrics(A, 1));
    await expect(forwarder.drain(5000)).resolves.toBe(0);
    expect(batches).toHaveLength(2);
    expect(batches[1]).toEqual(batches[0]);
    expect(acks).toEqual([[A, 1]]);
  });

  it('without a dead-letter file, logs a refused frame whole and never acks its seq', async () => {
    const { forwarder, batches, acks, logger } = setup([
      { kind: 'rejected', reason: 'backend answered 400', status: 400, body: '{"error":{}}' },
    ]);
    const error = vi.spyOn(logger, 'error');
    forwarder.enqueue(metrics(A, 1));
    await expect(forwarder.drain(5000)).resolves.toBe(0);
    expect(batches).toHaveLength(1);
    expect(acks).toEqual([]);
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ status: 400, body: '{"error":{}}', seq: 1, frame: metrics(A, 1).text }),
      expect.stringContaining('refused'),
    );
  });
});

describe('ingest forwarder, frames the backend refuses (4xx)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'labmgr-dead-letter-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** A backend that refuses (400) any batch holding one of `poison` and stores the rest. */
  function refusing(
    poison: number[],
    answer?: (items: readonly ForwardItem[]) => SendOutcome<never> | undefined,
  ) {
    const posted: number[][] = [];
    const stored: number[] = [];
    const backend: Pick<BackendClient, 'ingest'> = {
      async ingest({ items }) {
        const seqs = items.map(seqOf);
        posted.push(seqs);
        const special = answer?.(items);
        if (special) return special;
        if (seqs.some((s) => poison.includes(s))) {
          return {
            kind: 'rejected',
            reason: 'backend answered 400',
            status: 400,
            body: '{"error":"bad seq"}',
          };
        }
        stored.push(...seqs);
        const acks = new Map<string, number>();
        for (const i of items) acks.set(i.computerId, Math.max(acks.get(i.computerId) ?? 0, seqOf(i)));
        return { kind: 'ok', value: { acks: [...acks].map(([computerId, seq]) => ({ computerId, seq })) } };
      },
    };
    return { backend, posted, stored };
  }

  function start(
    backend: Pick<BackendClient, 'ingest'>,
    deadLetterFile = join(dir, 'dead', 'letters.jsonl'),
  ) {
    const acks: Array<[string, number]> = [];
    const deadLettered: number[] = [];
    const logger = pino({ level: 'silent' });
    const forwarder = createIngestForwarder({
      backend,
      relayId: 'relay-test',
      logger,
      deliverAck: (computerId, seq) => acks.push([computerId, seq]),
      tuning: { retryInitialMs: 1, retryMaxMs: 5, maxDelayMs: 1000 },
      deadLetterFile,
      onDeadLettered: (n) => deadLettered.push(n),
    });
    const letters = () =>
      readFileSync(deadLetterFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    return { forwarder, acks, deadLettered, letters, logger };
  }

  it('splits the batch to store every other frame, keeps the refused one with its reason, and acks past it', async () => {
    const { backend, posted, stored } = refusing([5]);
    const { forwarder, acks, deadLettered, letters, logger } = start(backend);
    const error = vi.spyOn(logger, 'error');
    for (let seq = 1; seq <= 8; seq++) forwarder.enqueue(metrics(A, seq));
    forwarder.enqueue(metrics(B, 3));
    await expect(forwarder.drain(5000)).resolves.toBe(0);
    expect(stored.sort((a, b) => a - b)).toEqual([1, 2, 3, 3, 4, 6, 7, 8]);
    // The whole batch, then halves, then halves of the refused half: a few posts, not one per frame.
    expect(posted[0]).toHaveLength(9);
    expect(posted.length).toBeLessThanOrEqual(9);
    expect(letters()).toEqual([
      expect.objectContaining({
        relayId: 'relay-test',
        computerId: A,
        type: 'metrics',
        seq: 5,
        status: 400,
        reason: 'backend answered 400',
        body: '{"error":"bad seq"}',
        frame: metrics(A, 5).text,
      }),
    ]);
    expect(deadLettered).toEqual([1]);
    expect(acks).toEqual([
      [A, 8],
      [B, 3],
    ]);
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({
        computerId: A,
        seq: 5,
        status: 400,
        deadLetterFile: join(dir, 'dead', 'letters.jsonl'),
      }),
      expect.stringContaining('dead-letter'),
    );
  });

  it('rotates the dead-letter file at sideFileMaxBytes, reports it, and still acks past each refused frame', async () => {
    const { backend } = refusing([1, 2, 3]);
    const file = join(dir, 'dead', 'letters.jsonl');
    const acks: Array<[string, number]> = [];
    const rotated: string[] = [];
    const forwarder = createIngestForwarder({
      backend,
      relayId: 'relay-test',
      logger: pino({ level: 'silent' }),
      deliverAck: (computerId, seq) => acks.push([computerId, seq]),
      tuning: { retryInitialMs: 1, retryMaxMs: 5, maxDelayMs: 1000 },
      deadLetterFile: file,
      // Smaller than one letter: every append but the first finds the file full.
      sideFileMaxBytes: 100,
      onSideFileRotated: (name) => rotated.push(name),
    });
    for (let seq = 1; seq <= 3; seq++) {
      forwarder.enqueue(metrics(A, seq));
      await expect(forwarder.drain(5000)).resolves.toBe(0);
    }
    const seqs = (path: string) =>
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(rotated).toEqual(['dead-letter', 'dead-letter']);
    expect(seqs(`${file}.1`)).toEqual([2]);
    expect(seqs(file)).toEqual([3]);
    expect(acks).toEqual([
      [A, 1],
      [A, 2],
      [A, 3],
    ]);
  });

  it('acks a refused frame that is the newest of its agent once it is in the file', async () => {
    const { backend } = refusing([2]);
    const { forwarder, acks, letters } = start(backend);
    forwarder.enqueue(metrics(A, 1));
    forwarder.enqueue(metrics(A, 2));
    await expect(forwarder.drain(5000)).resolves.toBe(0);
    expect(letters().map((l) => l.seq)).toEqual([2]);
    expect(acks).toEqual([[A, 2]]);
  });

  it('retries the whole batch, acking nothing, while the dead-letter file cannot be written', async () => {
    const { backend, stored } = refusing([2]);
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, '');
    const { forwarder, acks, deadLettered } = start(backend, join(blocker, 'letters.jsonl'));
    forwarder.enqueue(metrics(A, 1));
    forwarder.enqueue(metrics(A, 2));
    forwarder.enqueue(metrics(A, 3));
    await expect(forwarder.drain(300)).resolves.toBe(3);
    expect(stored.length).toBeGreaterThan(2);
    expect(acks).toEqual([]);
    expect(deadLettered).toEqual([]);
    forwarder.stop();
  });

  it('retries, never dead-letters, when the backend refuses the relay itself (401, 403, 404)', async () => {
    let answers = 0;
    const { backend, stored } = refusing([], () =>
      answers++ < 3
        ? { kind: 'rejected', reason: 'backend answered 401', status: 401, body: '{}' }
        : undefined,
    );
    const { forwarder, acks, deadLettered } = start(backend);
    forwarder.enqueue(metrics(A, 1));
    forwarder.enqueue(metrics(A, 2));
    await expect(forwarder.drain(5000)).resolves.toBe(0);
    expect(stored).toEqual([1, 2]);
    expect(deadLettered).toEqual([]);
    expect(acks).toEqual([[A, 2]]);
  });

  it('retries the whole batch when a split half fails, and dead-letters a refused frame once', async () => {
    let failed = false;
    const { backend, stored } = refusing([1], (items) => {
      if (!failed && items.length === 1 && seqOf(items[0] as ForwardItem) === 2) {
        failed = true;
        return { kind: 'failed', reason: 'backend answered 503' };
      }
      return undefined;
    });
    const { forwarder, acks, letters } = start(backend);
    forwarder.enqueue(metrics(A, 1));
    forwarder.enqueue(metrics(A, 2));
    await expect(forwarder.drain(5000)).resolves.toBe(0);
    expect(stored).toEqual([2]);
    expect(letters().map((l) => l.seq)).toEqual([1]);
    expect(acks).toEqual([[A, 2]]);
  });
});
