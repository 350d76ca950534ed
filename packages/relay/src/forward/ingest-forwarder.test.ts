import { fixtures } from '@labmgr/protocol';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { BackendClient, ForwardBatch, ForwardItem, SendOutcome } from '../backend/backend-client.js';
import { createIngestForwarder, decodeIngestItem } from './ingest-forwarder.js';

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

  it('logs and drops a batch the backend rejects (4xx) instead of retrying forever', async () => {
    const { forwarder, batches, acks, logger } = setup([
      { kind: 'rejected', reason: 'backend answered 400', status: 400, body: '{"error":{}}' },
    ]);
    const error = vi.spyOn(logger, 'error');
    forwarder.enqueue(metrics(A, 1));
    await expect(forwarder.drain(5000)).resolves.toBe(0);
    expect(batches).toHaveLength(1);
    expect(acks).toEqual([]);
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ status: 400, body: '{"error":{}}' }),
      expect.stringContaining('rejected'),
    );
  });
});

describe('spooled ingest items', () => {
  it('read back as written, and as earlier versions wrote them (the frame as an object)', () => {
    const item = metrics(A, 3);
    expect(decodeIngestItem(JSON.parse(JSON.stringify(item)))).toEqual(item);
    const old = { computerId: A, receivedAt: 1, frame: JSON.parse(item.text) };
    expect(decodeIngestItem(old)).toEqual(item);
  });

  it('are refused when not a valid item', () => {
    expect(decodeIngestItem({ ...metrics(A, 1), computerId: 'x' })).toBeUndefined();
    expect(decodeIngestItem({ ...metrics(A, 1), text: '{"type":"ping","ts":1}' })).toBeUndefined();
    expect(decodeIngestItem({ ...metrics(A, 1), text: '{' })).toBeUndefined();
    expect(decodeIngestItem(null)).toBeUndefined();
  });
});
