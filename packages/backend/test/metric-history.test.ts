import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtures, type IngestBatch, type MetricSample } from '@labmgr/protocol';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricRollupRow } from '../src/computers/metric.repository.js';
import { loadConfig } from '../src/config.js';
import { type AppContext, createContext } from '../src/context.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import type { SampleRow } from '../src/ingest/ingest.repository.js';
import { IngestRepository } from '../src/ingest/ingest.repository.js';
import { sampleRow } from '../src/ingest/testing.js';
import { MetricHistory, RETENTION_CHUNK } from '../src/metrics/metric-history.js';
import type { RelayRow } from '../src/relays/relay.repository.js';
import { type RunningServer, startServer } from '../src/server.js';
import { databases } from './databases.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const relay: RelayRow = {
  id: 'relay-1',
  name: 'r1',
  token_hash: 'x',
  created_at: 0,
  last_seen_at: null,
  announced_id: null,
  control_url: null,
  control_token: null,
  version: null,
  registered_at: null,
  connected_agents: 0,
  revoked_at: null,
};

/** Deterministic pseudo-random figures, so expected values are computed here, not by the database. */
function figures(i: number) {
  const r = (k: number) => ((i * 7919 + k * 104_729) % 1000) / 1000;
  return {
    cpu: Math.round(r(1) * 10000) / 100,
    mem: 1e9 + Math.round(r(2) * 4e9),
    disk: 100e9 + Math.round(r(3) * 1e9),
    load1: Math.round(r(4) * 400) / 100,
    rx: Math.round(r(5) * 1e6),
    tx: Math.round(r(6) * 5e5),
  };
}
type Figures = ReturnType<typeof figures>;

function sampleOf(at: number, f: Figures): MetricSample {
  const s = fixtures.sample(at, f.cpu);
  s.load = [f.load1, 0, 0];
  s.memory.usedBytes = f.mem;
  s.filesystems = [
    { mount: '/', fsType: 'ext4', totalBytes: 480e9, usedBytes: f.disk, inodesTotal: 0, inodesUsed: 0 },
  ];
  s.network = [
    {
      iface: 'eth0',
      rxBytesPerSec: f.rx,
      txBytesPerSec: f.tx,
      rxPacketsPerSec: 0,
      txPacketsPerSec: 0,
      rxErrors: 0,
      txErrors: 0,
      rxDrops: 0,
      txDrops: 0,
    },
  ];
  return s;
}

/** avg/min/max per bucket of `width`, computed in JS from the samples sent. */
function expectedBuckets(points: { at: number; f: Figures }[], width: number) {
  const groups = new Map<number, Figures[]>();
  for (const p of points) {
    const b = Math.floor(p.at / width) * width;
    groups.set(b, [...(groups.get(b) ?? []), p.f]);
  }
  const stat = (fs: Figures[], k: keyof Figures) => {
    const v = fs.map((f) => f[k]);
    return { avg: v.reduce((a, b) => a + b, 0) / v.length, min: Math.min(...v), max: Math.max(...v) };
  };
  return new Map(
    [...groups].map(([b, fs]) => [
      b,
      {
        samples: fs.length,
        cpu: stat(fs, 'cpu'),
        mem: stat(fs, 'mem'),
        disk: stat(fs, 'disk'),
        load1: stat(fs, 'load1'),
        rx: stat(fs, 'rx'),
        tx: stat(fs, 'tx'),
      },
    ]),
  );
}

function expectBucket(
  row: MetricRollupRow,
  e: NonNullable<ReturnType<ReturnType<typeof expectedBuckets>['get']>>,
) {
  expect(row.samples).toBe(e.samples);
  const pairs: [string, { avg: number; min: number; max: number }][] = [
    ['cpu', e.cpu],
    ['mem_used', e.mem],
    ['disk_used', e.disk],
    ['load1', e.load1],
    ['net_rx', e.rx],
    ['net_tx', e.tx],
  ];
  const r = row as unknown as Record<string, number>;
  for (const [col, s] of pairs) {
    // Relative 1e-9: averages of byte counts are ~1e9-1e11.
    expect(Math.abs((r[`${col}_avg`] ?? Number.NaN) - s.avg)).toBeLessThanOrEqual(
      Math.abs(s.avg) * 1e-9 + 1e-9,
    );
    expect(r[`${col}_min`]).toBe(s.min);
    expect(r[`${col}_max`]).toBe(s.max);
  }
  expect(row.mem_total).toBe(16 * 1024 ** 3);
  expect(row.disk_total).toBe(480e9);
}

describe.each(databases)('metric ingest and history on $name', (database) => {
  let dataDir: string;
  let drop: () => Promise<void>;
  let ctx: AppContext;
  let close: () => Promise<void>;

  async function addComputer(id: string, retired = 0) {
    await ctx.computers.insert({
      id,
      hostname: `h-${id.slice(0, 8)}`,
      credential_hash: `hash-${id}`,
      status: 'offline',
      last_seen_at: null,
      relay_id: null,
      agent_version: null,
      os_name: null,
      inventory_updated_at: null,
      latest_metrics: null,
      created_at: Date.now(),
    });
    if (retired) await ctx.computers.update(id, { retired });
  }

  const batchOf = (items: { id: string; seq: number; at: number; f: Figures }[]): IngestBatch => ({
    relayId: 'r1',
    items: items.map((i) => ({
      computerId: i.id,
      receivedAt: Date.now(),
      frame: { type: 'metrics' as const, seq: i.seq, dropped: 0, sample: sampleOf(i.at, i.f) },
    })),
  });

  const count = async (table: 'metric_samples' | 'metric_rollups_1m' | 'metric_rollups_1h', id?: string) => {
    let q = ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
    if (id) q = q.where('computer_id', '=', id);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'labmgr-hist-'));
    const db = await database.create();
    drop = db.drop;
    const config = { ...loadConfig({ LABMGR_DATA_DIR: dataDir }), databaseUrl: db.url };
    const handle = openDatabase(config);
    // Up from an empty database, every migration including 0003.
    await migrateToLatest(handle.db);
    ctx = createContext(config, handle.db, handle.kind);
    close = () => handle.db.destroy();
  });

  afterAll(async () => {
    await close?.();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores a re-sent batch once, acks the highest seq, skips unknown and retired computers', async () => {
    const a = '00000000-0000-4000-8000-00000000000a';
    const b = '00000000-0000-4000-8000-00000000000b';
    const retired = '00000000-0000-4000-8000-00000000000c';
    const unknown = '00000000-0000-4000-8000-00000000000d';
    await addComputer(a);
    await addComputer(b);
    await addComputer(retired, 1);
    const now = Date.now();
    const items = [a, b, retired, unknown].flatMap((id) =>
      [3, 1, 2].map((seq) => ({ id, seq, at: now - 10_000 + seq * 1000, f: figures(seq) })),
    );
    const first = await ctx.ingest.ingest(relay, batchOf(items));
    expect(first.acks).toEqual([
      { computerId: a, seq: 3 },
      { computerId: b, seq: 3 },
    ]);
    // Lost ack: the relay re-sends, plus one new sample.
    const again = await ctx.ingest.ingest(
      relay,
      batchOf([...items, { id: a, seq: 4, at: now, f: figures(4) }]),
    );
    expect(again.acks).toEqual([
      { computerId: a, seq: 4 },
      { computerId: b, seq: 3 },
    ]);
    expect(await count('metric_samples', a)).toBe(4);
    expect(await count('metric_samples', b)).toBe(3);
    expect(await count('metric_samples', retired)).toBe(0);
    expect(await count('metric_samples', unknown)).toBe(0);
    const rows = await ctx.metrics.series(a, 0, now + 1, 100);
    expect(rows.map((r) => [r.seq, r.cpu_percent])).toEqual([
      [1, figures(1).cpu],
      [2, figures(2).cpu],
      [3, figures(3).cpu],
      [4, figures(4).cpu],
    ]);
    const row = await ctx.computers.findById(a);
    expect(row).toMatchObject({ status: 'online', relay_id: relay.id });
    expect(JSON.parse(row?.latest_metrics ?? 'null')).toMatchObject({ cpuPercent: figures(4).cpu });
    const rowB = await ctx.computers.findById(b);
    expect(JSON.parse(rowB?.latest_metrics ?? 'null')).toMatchObject({ cpuPercent: figures(3).cpu });
    expect((await ctx.computers.findById(retired))?.status).toBe('offline');
  });

  it('folds raw samples into 1-minute and 1-hour buckets equal to their avg/min/max, late samples too', async () => {
    const c1 = '00000000-0000-4000-8000-000000000101';
    const c2 = '00000000-0000-4000-8000-000000000102';
    await addComputer(c1);
    await addComputer(c2);
    const now = Date.now();
    const start = Math.floor((now - 5 * HOUR) / HOUR) * HOUR;
    const sent = new Map<string, { at: number; f: Figures }[]>([
      [c1, []],
      [c2, []],
    ]);
    let items: { id: string; seq: number; at: number; f: Figures }[] = [];
    let seq = 0;
    // 3 hours every 7 s (buckets of 8 or 9 samples), both computers.
    for (let at = start; at < start + 3 * HOUR; at += 7000) {
      seq++;
      for (const [k, id] of [c1, c2].entries()) {
        const f = figures(seq * 2 + k);
        items.push({ id, seq, at, f });
        sent.get(id)?.push({ at, f });
      }
      if (items.length >= 500) {
        await ctx.ingest.ingest(relay, batchOf(items));
        items = [];
      }
    }
    await ctx.ingest.ingest(relay, batchOf(items));
    await ctx.metricHistory.rollup(now);

    for (const id of [c1, c2]) {
      const points = sent.get(id) ?? [];
      const minutes = expectedBuckets(points, MIN);
      const rows1m = await ctx.metrics.rollupSeries('1m', id, 0, now, 100_000);
      expect(rows1m.map((r) => r.bucket_start)).toEqual([...minutes.keys()]);
      for (const r of rows1m) expectBucket(r, minutes.get(r.bucket_start) as never);

      const hours = expectedBuckets(points, HOUR);
      const rows1h = await ctx.metrics.rollupSeries('1h', id, 0, now, 100_000);
      expect(rows1h.map((r) => r.bucket_start)).toEqual([...hours.keys()]);
      for (const r of rows1h) expectBucket(r, hours.get(r.bucket_start) as never);
    }

    // Running again changes nothing (idempotent).
    const before = await ctx.metrics.rollupSeries('1m', c1, 0, now, 100_000);
    await ctx.metricHistory.rollup(now);
    expect(await ctx.metrics.rollupSeries('1m', c1, 0, now, 100_000)).toEqual(before);

    // A late sample (an agent's buffer re-sent after an outage) lands in folded buckets.
    const late = { at: start + 90 * MIN + 1234, f: { ...figures(999_999), cpu: 99.5, load1: 7 } };
    await ctx.ingest.ingest(relay, batchOf([{ id: c1, seq: 1_000_000, ...late }]));
    await ctx.metricHistory.rollup(now);
    const withLate = [...(sent.get(c1) ?? []), late];
    const m = Math.floor(late.at / MIN) * MIN;
    const h = Math.floor(late.at / HOUR) * HOUR;
    const [row1m] = await ctx.metrics.rollupSeries('1m', c1, m, m + 1, 1);
    expectBucket(row1m as MetricRollupRow, expectedBuckets(withLate, MIN).get(m) as never);
    const [row1h] = await ctx.metrics.rollupSeries('1h', c1, h, h + 1, 1);
    expectBucket(row1h as MetricRollupRow, expectedBuckets(withLate, HOUR).get(h) as never);
    // c2's buckets were not touched by c1's late sample.
    const [c2h] = await ctx.metrics.rollupSeries('1h', c2, h, h + 1, 1);
    expectBucket(c2h as MetricRollupRow, expectedBuckets(sent.get(c2) ?? [], HOUR).get(h) as never);
  });

  it('serves not yet folded buckets from raw samples', async () => {
    const id = '00000000-0000-4000-8000-000000000201';
    await addComputer(id);
    const now = Date.now();
    await ctx.metricHistory.rollup(now);
    const at = now - 5000;
    await ctx.ingest.ingest(relay, batchOf([{ id, seq: 1, at, f: figures(5) }]));
    const series = await ctx.metricHistory.series('1m', id, now - HOUR, now, 1000);
    expect(series.resolution).toBe('1m');
    expect(series.rows).toHaveLength(1);
    expectBucket(
      series.rows[0] as MetricRollupRow,
      expectedBuckets([{ at, f: figures(5) }], MIN).get(Math.floor(at / MIN) * MIN) as never,
    );
  });

  it('retention deletes exactly the rows older than each limit, in chunks, and keeps unfolded rows', async () => {
    // A separate computer and history with short limits; watermarks are set by hand.
    const id = '00000000-0000-4000-8000-000000000301';
    await addComputer(id);
    const now = Math.floor(Date.now() / HOUR) * HOUR + 17;
    const history = new MetricHistory(ctx.metrics, {
      retentionRawHours: 2,
      retentionMinuteDays: 1,
      retentionHourDays: 3,
    });
    const store = new IngestRepository(ctx.db, ctx.dbKind);
    // Raw: one sample a second for 4 h (> RETENTION_CHUNK older than 2 h) and one exactly at the limit.
    const rows: SampleRow[] = [];
    const rawLimit = now - 2 * HOUR;
    const ats = [rawLimit];
    for (let at = now - 4 * HOUR + 1; at < now; at += 1000) ats.push(at);
    for (const [i, at] of ats.entries()) {
      rows.push({ ...sampleRow(id, i + 1), at, cpuPercent: 1 });
    }
    for (let i = 0; i < rows.length; i += 2000)
      await store.write({ samples: rows.slice(i, i + 2000), inventories: [], latest: [], relayId: 'r', now });
    const oldRaw = ats.filter((at) => at < rawLimit).length;
    expect(oldRaw).toBeGreaterThan(RETENTION_CHUNK);

    const bucket = (bucket_start: number) => ({
      computer_id: id,
      bucket_start,
      samples: 1,
      last_seq: 1,
      ...Object.fromEntries(
        ['cpu', 'mem_used', 'disk_used', 'load1', 'net_rx', 'net_tx'].flatMap((f) => [
          [`${f}_avg`, 1],
          [`${f}_min`, 1],
          [`${f}_max`, 1],
        ]),
      ),
      mem_total: 1,
      disk_total: 1,
    });
    const minuteLimit = now - DAY;
    const minuteStarts = [
      minuteLimit - 2 * MIN,
      minuteLimit - 1,
      minuteLimit,
      minuteLimit + MIN,
      now - 5 * MIN,
    ];
    const hourLimit = now - 3 * DAY;
    const hourStarts = [hourLimit - HOUR, hourLimit - 1, hourLimit, hourLimit + HOUR, now - 2 * HOUR];
    await ctx.db
      .insertInto('metric_rollups_1m')
      .values(minuteStarts.map(bucket) as never)
      .execute();
    await ctx.db
      .insertInto('metric_rollups_1h')
      .values(hourStarts.map(bucket) as never)
      .execute();

    // Unfolded rows are kept: with the watermarks behind the limits, only rows before them may go.
    const rawWm = now - 3 * HOUR;
    await ctx.metrics.setWatermark('1m', rawWm);
    await ctx.metrics.setWatermark('1h', minuteLimit - 1);
    await history.retention(now);
    expect(await count('metric_samples', id)).toBe(ats.filter((at) => at >= rawWm).length);
    expect(await count('metric_rollups_1m', id)).toBe(
      minuteStarts.filter((t) => t >= minuteLimit - 1).length,
    );

    await ctx.metrics.setWatermark('1m', now);
    await ctx.metrics.setWatermark('1h', now);
    await history.retention(now);
    const leftRaw = (await ctx.metrics.series(id, 0, now, 100_000)).map((r) => r.at);
    expect(leftRaw).toEqual(ats.filter((at) => at >= rawLimit).sort((x, y) => x - y));
    const left1m = (await ctx.metrics.rollupSeries('1m', id, 0, now + 1, 100)).map((r) => r.bucket_start);
    expect(left1m).toEqual(minuteStarts.filter((t) => t >= minuteLimit));
    const left1h = (await ctx.metrics.rollupSeries('1h', id, 0, now + 1, 100)).map((r) => r.bucket_start);
    expect(left1h).toEqual(hourStarts.filter((t) => t >= hourLimit));
    // The earlier tests' hour buckets (hours old) are within every limit.
    expect(await count('metric_rollups_1h')).toBeGreaterThan(left1h.length);
  });
});

describe.each(databases)('metrics route on $name', (database) => {
  const PASSWORD = 'correct horse battery staple';
  let server: RunningServer;
  let dataDir: string;
  let drop: () => Promise<void>;
  let cookie = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'labmgr-hist-api-'));
    const db = await database.create();
    drop = db.drop;
    const cfg = {
      ...loadConfig({ LABMGR_DATA_DIR: dataDir, LABMGR_PORT: '0', LABMGR_HOST: '127.0.0.1' }),
      databaseUrl: db.url,
      adminPassword: PASSWORD,
      webDir: join(dataDir, 'no-web'),
    };
    server = await startServer(cfg, { logger: pino({ level: 'silent' }) });
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  });

  afterAll(async () => {
    await server?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('picks raw, 1m or 1h from the range and honours an explicit resolution', async () => {
    const id = '00000000-0000-4000-8000-000000000401';
    await server.ctx.computers.insert({
      id,
      hostname: 'route-pc',
      credential_hash: 'route-hash',
      status: 'offline',
      last_seen_at: null,
      relay_id: null,
      agent_version: null,
      os_name: null,
      inventory_updated_at: null,
      latest_metrics: null,
      created_at: Date.now(),
    });
    const now = Date.now();
    const samples = [30, 20, 10].map((ago, i) => ({
      computerId: id,
      receivedAt: now,
      frame: {
        type: 'metrics' as const,
        seq: i + 1,
        dropped: 0,
        sample: fixtures.sample(now - ago * 1000, 10 * (i + 1)),
      },
    }));
    await server.ctx.ingest.ingest(relay, { relayId: 'r', items: samples });
    const get = async (query: string) => {
      const res = await fetch(`${server.url}/api/v1/computers/${id}/metrics?${query}`, {
        headers: { cookie },
      });
      return {
        status: res.status,
        body: (await res.json()) as { resolution: string; points: Record<string, unknown>[] },
      };
    };
    const iso = (t: number) => encodeURIComponent(new Date(t).toISOString());
    const to = iso(now + 1000);

    const raw = await get(`from=${iso(now - HOUR)}&to=${to}`);
    expect(raw.body.resolution).toBe('raw');
    expect(raw.body.points.map((p) => p.seq)).toEqual([1, 2, 3]);

    const day = await get(`from=${iso(now - DAY)}&to=${to}`);
    expect(day.status).toBe(200);
    expect(day.body.resolution).toBe('1m');
    const cpu = day.body.points.flatMap((p) => [p.cpuPercent]);
    expect(cpu.length).toBeGreaterThanOrEqual(1);
    const all = day.body.points.reduce((n, p) => n + Number(p.samples), 0);
    expect(all).toBe(3);
    expect(day.body.points[0]).toMatchObject({ min: expect.any(Object), max: expect.any(Object) });

    const month = await get(`from=${iso(now - 30 * DAY)}&to=${to}`);
    expect(month.body.resolution).toBe('1h');
    expect(month.body.points.reduce((n, p) => n + Number(p.samples), 0)).toBe(3);
    const hourPoint = month.body.points.at(-1) as {
      cpuPercent: number;
      min: { cpuPercent: number };
      max: { cpuPercent: number };
    };
    if (month.body.points.length === 1) {
      expect(hourPoint.cpuPercent).toBeCloseTo(20, 9);
      expect(hourPoint.min.cpuPercent).toBe(10);
      expect(hourPoint.max.cpuPercent).toBe(30);
    }

    const forced = await get(`from=${iso(now - HOUR)}&to=${to}&resolution=1h`);
    expect(forced.body.resolution).toBe('1h');
    // Raw beyond the raw retention is not available: auto moves to 1m.
    const old = await get(`from=${iso(now - 3 * DAY)}&to=${iso(now - 3 * DAY + HOUR)}`);
    expect(old.body.resolution).toBe('1m');
    expect((await get('resolution=5m')).status).toBe(400);
  });
});
