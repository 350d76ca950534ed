import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { MetricResolution } from '@labmgr/protocol';
import {
  BUCKET_MS,
  type MetricRepository,
  type MetricRollupRow,
  type MetricSampleRow,
  type RollupResolution,
} from '../computers/metric.repository.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface RetentionSettings {
  /** Raw samples are kept this long. @default 48 */
  retentionRawHours: number;
  /** 1-minute buckets. @default 30 */
  retentionMinuteDays: number;
  /** 1-hour buckets. @default 365 */
  retentionHourDays: number;
}

/** A minute closes this long after its end before it is folded (samples in flight). */
export const FOLD_GRACE_MS = 60_000;
/**
 * One fold statement covers at most this much time, so catching up after
 * downtime goes in bounded steps (~30k raw rows per 1,000 computers a minute
 * at 2 s sampling) and on SQLite never holds the event loop long.
 */
const FOLD_STEP: Record<RollupResolution, number> = { '1m': 30 * 60_000, '1h': 6 * HOUR };
/** Rows per retention DELETE. */
export const RETENTION_CHUNK = 5000;
/** Auto resolution: raw up to this range, 1-minute buckets up to the next, then hours. */
export const AUTO_RAW_MAX_MS = 2 * HOUR;
export const AUTO_MINUTE_MAX_MS = 7 * DAY;

const floorTo = (t: number, w: number) => Math.floor(t / w) * w;
const ceilTo = (t: number, w: number) => Math.ceil(t / w) * w;

/**
 * The resolution of `auto`: by the range's length (<= 2 h raw, <= 7 d 1m,
 * else 1h), moved coarser while `from` lies before what the finer level keeps.
 */
export function chooseResolution(
  from: number,
  to: number,
  now: number,
  retention: RetentionSettings,
): MetricResolution {
  const span = to - from;
  if (span <= AUTO_RAW_MAX_MS && from >= now - retention.retentionRawHours * HOUR) return 'raw';
  if (span <= AUTO_MINUTE_MAX_MS && from >= now - retention.retentionMinuteDays * DAY) return '1m';
  return '1h';
}

export type SeriesResult =
  | { resolution: 'raw'; rows: MetricSampleRow[] }
  | { resolution: RollupResolution; rows: MetricRollupRow[] };

/**
 * Metric history: folds raw samples into 1-minute and 1-hour buckets, ages
 * every level out, and answers series reads at any resolution.
 *
 * Folding is idempotent (each bucket is recomputed from its sources and
 * upserted) and driven by a stored watermark per resolution, so a server that
 * was down catches up in bounded steps. Samples that arrive for buckets
 * already folded (an agent re-sending its buffer after an outage) are noted by
 * ingest and their computer's buckets re-folded at the next run. Retention
 * never deletes a level's rows before they have been folded into the next.
 */
export class MetricHistory {
  /** Samples older than this may land in buckets folded already (undefined: not known yet). */
  private horizon: number | undefined;
  private dirtyMinutes = new Map<string, number>();
  private dirtyHours = new Map<string, number>();
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repo: MetricRepository,
    private readonly settings: RetentionSettings,
  ) {}

  /** Ingest calls this after each commit with the oldest sample time stored per computer. */
  noteStored(oldestAtByComputer: ReadonlyMap<string, number>): void {
    for (const [id, at] of oldestAtByComputer) {
      if (this.horizon !== undefined && at >= this.horizon) continue;
      this.dirtyMinutes.set(id, Math.min(this.dirtyMinutes.get(id) ?? at, at));
    }
  }

  /** Runs `fn` after any rollup or retention pass in progress (they never overlap). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.running.then(fn, fn);
    this.running = next.catch(() => undefined);
    return next;
  }

  /** Folds every bucket completed by `now`, then re-folds buckets that received late samples. */
  rollup(now = Date.now()): Promise<void> {
    return this.serial(async () => {
      const { repo } = this;
      const target1m = floorTo(now - FOLD_GRACE_MS, BUCKET_MS['1m']);
      // Set before folding: a sample stored while a fold runs may miss it, so it counts as late.
      this.horizon = target1m;
      const wm1m = await this.foldUpTo('1m', target1m);

      const rawKeptFrom = ceilTo(now - this.settings.retentionRawHours * HOUR, BUCKET_MS['1m']);
      const lateMinutes = this.dirtyMinutes;
      this.dirtyMinutes = new Map();
      for (const [id, at] of lateMinutes) {
        const from = Math.max(floorTo(at, BUCKET_MS['1m']), rawKeptFrom);
        if (from >= wm1m) continue;
        await repo.foldMinutes(from, wm1m, id);
        this.dirtyHours.set(id, Math.min(this.dirtyHours.get(id) ?? from, from));
      }

      const wm1h = await this.foldUpTo('1h', floorTo(wm1m, BUCKET_MS['1h']));
      const minutesKeptFrom = ceilTo(now - this.settings.retentionMinuteDays * DAY, BUCKET_MS['1h']);
      const lateHours = this.dirtyHours;
      this.dirtyHours = new Map();
      for (const [id, at] of lateHours) {
        const from = Math.max(floorTo(at, BUCKET_MS['1h']), minutesKeptFrom);
        if (from < wm1h) await repo.foldHours(from, wm1h, id);
      }
    });
  }

  /** Folds [watermark, target) in steps, moving the watermark after each; returns the new one. */
  private async foldUpTo(resolution: RollupResolution, target: number): Promise<number> {
    const { repo } = this;
    let wm = await repo.watermark(resolution);
    if (wm === null) {
      const oldest = resolution === '1m' ? await repo.oldestSampleAt() : await repo.oldestRollupAt('1m');
      wm = oldest === null ? target : Math.min(target, floorTo(oldest, BUCKET_MS[resolution]));
      await repo.setWatermark(resolution, wm);
    }
    while (wm < target) {
      const end = Math.min(target, wm + FOLD_STEP[resolution]);
      if (resolution === '1m') await repo.foldMinutes(wm, end);
      else await repo.foldHours(wm, end);
      await repo.setWatermark(resolution, end);
      wm = end;
      if (wm < target) await yieldToLoop();
    }
    return wm;
  }

  /**
   * Deletes, in chunks of RETENTION_CHUNK rows, raw samples older than the raw
   * limit, 1-minute buckets older than the minute limit and 1-hour buckets
   * older than the hour limit (a row's time is its `at` / bucket start). Rows
   * not yet folded into the next level are kept. Returns the counts.
   */
  retention(now = Date.now(), signal?: AbortSignal): Promise<{ raw: number; minute: number; hour: number }> {
    return this.serial(async () => {
      const { repo, settings } = this;
      const wm1m = await repo.watermark('1m');
      const wm1h = await repo.watermark('1h');
      const cut = {
        raw: wm1m === null ? null : Math.min(now - settings.retentionRawHours * HOUR, wm1m),
        '1m': wm1h === null ? null : Math.min(now - settings.retentionMinuteDays * DAY, wm1h),
        '1h': now - settings.retentionHourDays * DAY,
      } as const;
      const deleted = { raw: 0, minute: 0, hour: 0 };
      const key = { raw: 'raw', '1m': 'minute', '1h': 'hour' } as const;
      for (const id of await repo.computerIds()) {
        if (signal?.aborted) break;
        for (const table of ['raw', '1m', '1h'] as const) {
          const before = cut[table];
          if (before === null) continue;
          for (;;) {
            const n = await repo.deleteChunk(table, id, before, RETENTION_CHUNK);
            deleted[key[table]] += n;
            if (n < RETENTION_CHUNK || signal?.aborted) break;
            await yieldToLoop();
          }
        }
      }
      return deleted;
    });
  }

  /**
   * One computer's series in [from, to]. Rolled-up levels read stored buckets
   * before the watermark and compute the not yet folded rest from raw samples.
   */
  async series(
    resolution: MetricResolution,
    computerId: string,
    from: number,
    to: number,
    limit: number,
  ): Promise<SeriesResult> {
    const { repo } = this;
    if (resolution === 'raw') return { resolution, rows: await repo.series(computerId, from, to, limit) };
    const start = floorTo(from, BUCKET_MS[resolution]);
    const wm = (await repo.watermark(resolution)) ?? start;
    const storedEnd = Math.min(wm, to + 1);
    const rows =
      storedEnd > start ? await repo.rollupSeries(resolution, computerId, start, storedEnd, limit) : [];
    if (to >= wm && rows.length < limit) {
      const tail = await repo.aggregateSeries(resolution, computerId, Math.max(wm, start), to);
      rows.push(...tail.slice(0, limit - rows.length));
    }
    return { resolution, rows };
  }
}

/** Runs rollup every minute and retention every ten, on timers, until stopped. */
export class MetricJobs {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  private stopped = false;
  private lastRetention = 0;
  private readonly abort = new AbortController();

  constructor(
    private readonly history: MetricHistory,
    private readonly onError: (err: unknown, job: 'rollup' | 'retention') => void,
    private readonly intervals = { rollupMs: 60_000, retentionMs: 600_000, firstMs: 1000 },
  ) {}

  start(): void {
    this.schedule(this.intervals.firstMs);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.tick().finally(() => this.schedule(this.intervals.rollupMs));
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.history.rollup();
    } catch (err) {
      this.onError(err, 'rollup');
    }
    if (this.stopped || Date.now() - this.lastRetention < this.intervals.retentionMs) return;
    this.lastRetention = Date.now();
    try {
      await this.history.retention(Date.now(), this.abort.signal);
    } catch (err) {
      this.onError(err, 'retention');
    }
  }

  /** Stops the timers and waits for a pass in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    clearTimeout(this.timer);
    await this.current;
  }
}
