import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, MetricSamplesTable } from '../db/schema.js';

export type MetricSampleRow = Selectable<MetricSamplesTable>;

// SQLite binds at most 32,766 parameters per statement; 12 columns x 500 rows stays far below.
const CHUNK = 500;

export class MetricRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Idempotent: a (computer, seq) already stored is skipped, so re-sent samples are never stored twice. */
  async insertMany(rows: Insertable<MetricSamplesTable>[], trx: Kysely<Database> = this.db): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx
        .insertInto('metric_samples')
        .values(rows.slice(i, i + CHUNK))
        .onConflict((oc) => oc.columns(['computer_id', 'seq']).doNothing())
        .execute();
    }
  }

  series(computerId: string, from: number, to: number, limit: number): Promise<MetricSampleRow[]> {
    return this.db
      .selectFrom('metric_samples')
      .selectAll()
      .where('computer_id', '=', computerId)
      .where('at', '>=', from)
      .where('at', '<=', to)
      .orderBy('at')
      .limit(limit)
      .execute();
  }
}
