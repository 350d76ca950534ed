import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { IngestWrite, SampleRow } from './ingest.repository.js';

/** Test rows for the ingest write path: a sample of `computerId` numbered `seq`, at `seq` seconds. */
export const sampleRow = (computerId: string, seq: number, dropped = 0): SampleRow => ({
  computerId,
  seq,
  at: 1000 * seq,
  cpuPercent: seq,
  memUsed: 1,
  memTotal: 2,
  diskUsed: 1,
  diskTotal: 2,
  load1: 0,
  netRx: 0,
  netTx: 0,
  dropped,
});

/** A write of `samples`, with each computer's last sample in it as its latest figures. */
export const ingestWrite = (samples: SampleRow[]): IngestWrite => ({
  samples,
  inventories: [],
  latest: [...new Map(samples.map((s) => [s.computerId, s])).values()].map((s) => ({
    computerId: s.computerId,
    seq: s.seq,
    metrics: JSON.stringify({ seq: s.seq }),
  })),
  relayId: 'r',
  now: 5,
});

/** Enrolled, offline computers with these ids, nothing else about them. */
export async function insertComputers(db: Kysely<Database>, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    await db
      .insertInto('computers')
      .values({
        id,
        hostname: id,
        credential_hash: `hash-${id}`,
        status: 'offline',
        last_seen_at: null,
        relay_id: null,
        agent_version: null,
        os_name: null,
        inventory_updated_at: null,
        display_name: null,
        latest_metrics: null,
        created_at: 1,
        notes: null,
      })
      .execute();
  }
}

/** The stored samples as `computer:seq`, in key order; only these computers' when given. */
export async function storedSampleKeys(
  db: Kysely<Database>,
  computerIds?: readonly string[],
): Promise<string[]> {
  let query = db.selectFrom('metric_samples').select(['computer_id', 'seq']);
  if (computerIds) query = query.where('computer_id', 'in', computerIds);
  const rows = await query.orderBy('computer_id').orderBy('seq').execute();
  return rows.map((r) => `${r.computer_id}:${Number(r.seq)}`);
}
