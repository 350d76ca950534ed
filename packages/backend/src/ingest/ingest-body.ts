import { type IngestBatch, MAX_EPOCH_MS } from '@labmgr/protocol';
import { checkAgentDataFrame } from '@labmgr/protocol/compiled';
import { z } from 'zod';

/** `ComputerId` (`z.uuid()`): zod's own pattern. */
const UUID = z.regexes.uuid();

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The ingest body if it is a valid `IngestBatch`, else undefined (the caller
 * then runs the zod schema for the error message). The same rules as the zod
 * schema, written out: the envelope (relayId, 1–10,000 items, each a computer
 * id and receive time) checked by hand, each frame by the protocol's compiled
 * `AgentDataFrame` validator (defaults filled in). zod's object parse copied
 * each of the 500 items of a batch; this reads them in place and returns the
 * parsed body itself (unknown keys are kept, not stripped; nothing reads them).
 */
export function checkIngestBody(data: unknown): IngestBatch | undefined {
  if (!isObject(data)) return undefined;
  const { relayId, items } = data;
  if (typeof relayId !== 'string' || relayId.length < 1 || relayId.length > 128) return undefined;
  if (!Array.isArray(items) || items.length < 1 || items.length > 10_000) return undefined;
  for (const item of items as unknown[]) {
    if (!isObject(item)) return undefined;
    const { computerId, receivedAt } = item;
    if (typeof computerId !== 'string' || !UUID.test(computerId)) return undefined;
    if (
      typeof receivedAt !== 'number' ||
      !Number.isInteger(receivedAt) ||
      receivedAt < 0 ||
      receivedAt > MAX_EPOCH_MS
    )
      return undefined;
    if (!checkAgentDataFrame(item.frame).ok) return undefined;
  }
  return data as unknown as IngestBatch;
}
