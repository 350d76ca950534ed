import type SqliteDatabase from 'better-sqlite3';
import { type Kysely, type Selectable, sql } from 'kysely';
import { pgPoolOf, sqliteHandleOf } from '../db/database.js';
import type { Database, MetricRollupsTable, MetricSamplesTable } from '../db/schema.js';

export type MetricSampleRow = Selectable<MetricSamplesTable>;
export type MetricRollupRow = Selectable<MetricRollupsTable>;
export type RollupResolution = '1m' | '1h';

export const BUCKET_MS: Record<RollupResolution, number> = { '1m': 60_000, '1h': 3_600_000 };
const TABLE = { '1m': 'metric_rollups_1m', '1h': 'metric_rollups_1h' } as const;

/** raw column → rollup column prefix, in the order of ROLLUP_FIELDS. */
const FIELDS = [
  ['cpu_percent', 'cpu'],
  ['mem_used', 'mem_used'],
  ['disk_used', 'disk_used'],
  ['load1', 'load1'],
  ['net_rx', 'net_rx'],
  ['net_tx', 'net_tx'],
] as const;

const ROLLUP_COLUMNS = [
  'computer_id',
  'bucket_start',
  'samples',
  'last_seq',
  ...FIELDS.flatMap(([, f]) => [`${f}_avg`, `${f}_min`, `${f}_max`]),
  'mem_total',
  'disk_total',
];

/** `expr as column` for every rollup column, in ROLLUP_COLUMNS order. */
const named = (exprs: string[]) => exprs.map((e, i) => `${e} as ${ROLLUP_COLUMNS[i]}`).join(', ');

/** avg/min/max of raw samples per bucket of `width` ms (alias `s`). */
function aggregateRaw(width: number) {
  const bucket = `(s.at / ${width}) * ${width}`;
  const aggs = FIELDS.flatMap(([c]) => [`avg(s.${c})`, `min(s.${c})`, `max(s.${c})`]);
  return {
    bucket,
    select: named([
      's.computer_id',
      bucket,
      'count(*)',
      'max(s.seq)',
      ...aggs,
      'max(s.mem_total)',
      'max(s.disk_total)',
    ]),
  };
}

/** Folding 1-minute buckets into wider ones: averages weighted by sample count (alias `r`). */
function aggregateRollups(width: number) {
  const bucket = `(r.bucket_start / ${width}) * ${width}`;
  const aggs = FIELDS.flatMap(([, f]) => [
    `sum(r.${f}_avg * r.samples) / sum(r.samples)`,
    `min(r.${f}_min)`,
    `max(r.${f}_max)`,
  ]);
  return {
    bucket,
    select: named([
      'r.computer_id',
      bucket,
      'sum(r.samples)',
      'max(r.last_seq)',
      ...aggs,
      'max(r.mem_total)',
      'max(r.disk_total)',
    ]),
  };
}

const UPSERT = `on conflict (computer_id, bucket_start) do update set ${ROLLUP_COLUMNS.slice(2)
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;

/** A row read in raw (array) mode, columns in ROLLUP_COLUMNS order: 3x faster than better-sqlite3's objects. */
function rollupFromArray(v: unknown[]): MetricRollupRow {
  return {
    computer_id: v[0] as string,
    bucket_start: v[1] as number,
    samples: v[2] as number,
    last_seq: v[3] as number,
    cpu_avg: v[4] as number,
    cpu_min: v[5] as number,
    cpu_max: v[6] as number,
    mem_used_avg: v[7] as number,
    mem_used_min: v[8] as number,
    mem_used_max: v[9] as number,
    disk_used_avg: v[10] as number,
    disk_used_min: v[11] as number,
    disk_used_max: v[12] as number,
    load1_avg: v[13] as number,
    load1_min: v[14] as number,
    load1_max: v[15] as number,
    net_rx_avg: v[16] as number,
    net_rx_min: v[17] as number,
    net_rx_max: v[18] as number,
    net_tx_avg: v[19] as number,
    net_tx_min: v[20] as number,
    net_tx_max: v[21] as number,
    mem_total: v[22] as number,
    disk_total: v[23] as number,
  };
}

/** Metric samples and their rollups: series reads, folding, retention. */
export class MetricRepository {
  private readonly sqlite: SqliteDatabase.Database | undefined;
  private readonly rollupStatements = new Map<RollupResolution, SqliteDatabase.Statement>();

  constructor(private readonly db: Kysely<Database>) {
    this.sqlite = sqliteHandleOf(db);
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

  /** Stored buckets of one computer whose start lies in [from, to), in time order. */
  async rollupSeries(
    resolution: RollupResolution,
    computerId: string,
    from: number,
    to: number,
    limit: number,
  ): Promise<MetricRollupRow[]> {
    const raw = this.sqlite;
    if (raw) {
      // Chart reads: a reused statement in array mode, under Kysely's connection lock.
      return this.db.connection().execute(async () => {
        let stmt = this.rollupStatements.get(resolution);
        if (!stmt) {
          stmt = raw
            .prepare(
              `select ${ROLLUP_COLUMNS.join(', ')} from ${TABLE[resolution]}
               where computer_id = ? and bucket_start >= ? and bucket_start < ? order by bucket_start limit ?`,
            )
            .raw(true);
          this.rollupStatements.set(resolution, stmt);
        }
        return (stmt.all(computerId, from, to, limit) as unknown[][]).map(rollupFromArray);
      });
    }
    const pool = pgPoolOf(this.db);
    if (pool) {
      // Array rows: pg builds no 24-key object per bucket.
      const result = await pool.query<unknown[]>({
        text: `select ${ROLLUP_COLUMNS.join(', ')} from ${TABLE[resolution]}
          where computer_id = $1 and bucket_start >= $2 and bucket_start < $3 order by bucket_start limit $4`,
        values: [computerId, from, to, limit],
        rowMode: 'array',
      });
      return result.rows.map(rollupFromArray);
    }
    return this.db
      .selectFrom(TABLE[resolution])
      .selectAll()
      .where('computer_id', '=', computerId)
      .where('bucket_start', '>=', from)
      .where('bucket_start', '<', to)
      .orderBy('bucket_start')
      .limit(limit)
      .execute();
  }

  /** Buckets computed on the fly from the raw samples of one computer in [from, to] (not yet folded). */
  async aggregateSeries(
    resolution: RollupResolution,
    computerId: string,
    from: number,
    to: number,
  ): Promise<MetricRollupRow[]> {
    const a = aggregateRaw(BUCKET_MS[resolution]);
    const { rows } = await sql<Record<string, unknown>>`select ${sql.raw(a.select)}
      from metric_samples s
      where s.computer_id = ${computerId} and s.at >= ${from} and s.at <= ${to}
      group by s.computer_id, ${sql.raw(a.bucket)}
      order by 2`.execute(this.db);
    // PostgreSQL returns avg() as numeric (a string) and count(*) as bigint.
    return rows.map((r) => {
      const out: Record<string, unknown> = {};
      for (const c of ROLLUP_COLUMNS) out[c] = c === 'computer_id' ? r[c] : Number(r[c]);
      return out as unknown as MetricRollupRow;
    });
  }

  /**
   * Folds raw samples with `at` in [from, to) into 1-minute buckets (`from`,
   * `to` whole minutes), replacing buckets already there: re-running it is
   * harmless and picks up late samples. `computerId` narrows it to one.
   */
  async foldMinutes(from: number, to: number, computerId?: string): Promise<void> {
    if (to <= from) return;
    const a = aggregateRaw(BUCKET_MS['1m']);
    // `computers` drives the loop (CROSS JOIN keeps that order on SQLite) so each
    // computer's range is one (computer_id, at) index scan, not a table scan.
    await sql`insert into metric_rollups_1m (${sql.raw(ROLLUP_COLUMNS.join(', '))})
      select ${sql.raw(a.select)}
      from computers c cross join metric_samples s
      where s.computer_id = c.id and s.at >= ${from} and s.at < ${to}
        ${computerId === undefined ? sql`` : sql`and c.id = ${computerId}`}
      group by s.computer_id, ${sql.raw(a.bucket)}
      ${sql.raw(UPSERT)}`.execute(this.db);
  }

  /** Folds 1-minute buckets starting in [from, to) (whole hours) into 1-hour buckets, replacing them. */
  async foldHours(from: number, to: number, computerId?: string): Promise<void> {
    if (to <= from) return;
    const a = aggregateRollups(BUCKET_MS['1h']);
    await sql`insert into metric_rollups_1h (${sql.raw(ROLLUP_COLUMNS.join(', '))})
      select ${sql.raw(a.select)}
      from computers c cross join metric_rollups_1m r
      where r.computer_id = c.id and r.bucket_start >= ${from} and r.bucket_start < ${to}
        ${computerId === undefined ? sql`` : sql`and c.id = ${computerId}`}
      group by r.computer_id, ${sql.raw(a.bucket)}
      ${sql.raw(UPSERT)}`.execute(this.db);
  }

  /** Everything before the returned time has been folded at `resolution` (null: never folded). */
  async watermark(resolution: RollupResolution): Promise<number | null> {
    const row = await this.db
      .selectFrom('metric_rollup_state')
      .select('done_until')
      .where('resolution', '=', resolution)
      .executeTakeFirst();
    return row ? Number(row.done_until) : null;
  }

  async setWatermark(resolution: RollupResolution, doneUntil: number): Promise<void> {
    await this.db
      .insertInto('metric_rollup_state')
      .values({ resolution, done_until: doneUntil })
      .onConflict((oc) => oc.column('resolution').doUpdateSet({ done_until: doneUntil }))
      .execute();
  }

  /** The oldest raw sample (per-computer index lookups, no table scan), or null. */
  async oldestSampleAt(): Promise<number | null> {
    const { rows } = await sql<{ m: number | string | null }>`select min(x.m) as m from (
        select (select min(s.at) from metric_samples s where s.computer_id = c.id) as m from computers c
      ) x`.execute(this.db);
    const m = rows[0]?.m;
    return m === null || m === undefined ? null : Number(m);
  }

  async oldestRollupAt(resolution: RollupResolution): Promise<number | null> {
    const { rows } = await sql<{ m: number | string | null }>`select min(x.m) as m from (
        select (select min(r.bucket_start) from ${sql.table(TABLE[resolution])} r where r.computer_id = c.id) as m
        from computers c
      ) x`.execute(this.db);
    const m = rows[0]?.m;
    return m === null || m === undefined ? null : Number(m);
  }

  /**
   * Deletes one computer's rows older than `before` (raw `at`, bucket start)
   * from one table, at most `chunk` rows; returns how many went.
   */
  async deleteChunk(
    table: 'raw' | RollupResolution,
    computerId: string,
    before: number,
    chunk: number,
  ): Promise<number> {
    const result =
      table === 'raw'
        ? // The oldest `chunk` rows (a few more when several share the last one's time): one range
          // of the (computer_id, at, seq) key, found by walking the key, not by a seq lookup per row.
          await this.db
            .deleteFrom('metric_samples')
            .where('computer_id', '=', computerId)
            .where('at', '<', before)
            .where(
              'at',
              '<=',
              sql<number>`coalesce((select at from metric_samples where computer_id = ${computerId}
                and at < ${before} order by at limit 1 offset ${chunk - 1}), ${before})`,
            )
            .executeTakeFirst()
        : await this.db
            .deleteFrom(TABLE[table])
            .where('computer_id', '=', computerId)
            .where('bucket_start', 'in', (eb) =>
              eb
                .selectFrom(TABLE[table])
                .select('bucket_start')
                .where('computer_id', '=', computerId)
                .where('bucket_start', '<', before)
                .limit(chunk),
            )
            .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Every computer id, retired ones too: their history ages out like the rest. */
  async computerIds(): Promise<string[]> {
    return (await this.db.selectFrom('computers').select('id').execute()).map((r) => r.id);
  }
}
