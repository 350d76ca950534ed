import { diskIoTotals, type MetricSample, networkTotals } from '@labmgr/protocol';

/** Seconds of live history the charts keep (at one sample a second). */
export const LIVE_WINDOW_SEC = 300;

/** The figures one live sample contributes to the charts. */
export interface LivePoint {
  /** Epoch seconds (uPlot's time unit). */
  t: number;
  cpu: number;
  cpuUser: number;
  cpuSystem: number;
  cpuIowait: number;
  perCore: readonly number[];
  memUsed: number;
  memCached: number;
  memAvailable: number;
  swapUsed: number;
  load1: number;
  load5: number;
  load15: number;
  diskRead: number;
  diskWrite: number;
  netRx: number;
  netTx: number;
}

export function toLivePoint(sample: MetricSample): LivePoint {
  const disk = diskIoTotals(sample.disks);
  const net = networkTotals(sample.network);
  const m = sample.memory;
  return {
    t: sample.at / 1000,
    cpu: sample.cpu.percent,
    cpuUser: sample.cpu.times.user,
    cpuSystem: sample.cpu.times.system,
    cpuIowait: sample.cpu.times.iowait,
    perCore: sample.cpu.perCore,
    memUsed: m.usedBytes,
    memCached: m.cachedBytes + m.buffersBytes,
    memAvailable: m.availableBytes,
    swapUsed: m.swapUsedBytes,
    load1: sample.load[0],
    load5: sample.load[1],
    load15: sample.load[2],
    diskRead: disk.read,
    diskWrite: disk.write,
    netRx: net.rx,
    netTx: net.tx,
  };
}

/** Columns for a time-series chart: times first, then one array per series (null: no value). */
export type Columns = [number[], ...(number | null)[][]];

/**
 * The last few minutes of live samples, oldest first. Samples arrive about
 * once a second and may repeat or come late after a reconnect: a sample not
 * newer than the latest is dropped, and points older than the window fall off.
 */
export class LiveBuffer {
  #points: LivePoint[] = [];

  constructor(readonly windowSec = LIVE_WINDOW_SEC) {}

  /** Adds a sample; false when it was a repeat or older than the latest. */
  push(sample: MetricSample): boolean {
    const point = toLivePoint(sample);
    const last = this.#points.at(-1);
    if (last && point.t <= last.t) return false;
    this.#points.push(point);
    const oldest = point.t - this.windowSec;
    let drop = 0;
    while (drop < this.#points.length && (this.#points[drop]?.t ?? 0) < oldest) drop++;
    if (drop > 0) this.#points.splice(0, drop);
    return true;
  }

  get size(): number {
    return this.#points.length;
  }

  get latest(): LivePoint | undefined {
    return this.#points.at(-1);
  }

  /** Time column plus one column per picked figure. */
  columns(...pick: ((p: LivePoint) => number)[]): Columns {
    return [this.#points.map((p) => p.t), ...pick.map((f) => this.#points.map(f))];
  }

  /** Per core, its busy share at each point (a core missing from a sample reads null). */
  perCore(): { times: number[]; cores: (number | null)[][] } {
    const count = this.#points.reduce((n, p) => Math.max(n, p.perCore.length), 0);
    const cores = Array.from({ length: count }, (_, c) => this.#points.map((p) => p.perCore[c] ?? null));
    return { times: this.#points.map((p) => p.t), cores };
  }
}
