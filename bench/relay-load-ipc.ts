/**
 * What the relay-load benchmark's processes say to each other over Node IPC
 * (parent ↔ load generators, parent ↔ bare server), and the latency
 * histogram the generators fill and the parent merges.
 */

/** One simulated agent's identity. */
export interface SimAgent {
  computerId: string;
  credential: string;
}

export type GeneratorCommand =
  | {
      type: 'start';
      /** `relay`: real handshake (hello → welcome), acks counted; `bare`: send hello and go. */
      mode: 'relay' | 'bare';
      url: string;
      agents: SimAgent[];
      /** First `seq` of every agent in this phase (later phases start higher). */
      seqStart: number;
      /** The sample's JSON without its leading `{"at":<n>`, so a frame is built by concatenation. */
      sampleTail: string;
      /** Optional: tails to rotate through by `seq` instead, so figures change from frame to frame. */
      sampleTails?: string[];
      protocolVersion: number;
      /** Upgrades in flight at once from this generator. */
      connectConcurrency: number;
      connectTimeoutMs: number;
    }
  /** Start the 1 frame/s/agent schedule. */
  | { type: 'run' }
  /** Reset the window counters now. */
  | { type: 'window-start' }
  /** Reply with the counters since `window-start`. */
  | { type: 'window-end' }
  /** Stop sending (connections stay open, acks still counted). */
  | { type: 'quiet' }
  /** Reply with the counters since `window-start`, the window going on. */
  | { type: 'report' }
  /** Close every connection, reply `stopped`, exit. */
  | { type: 'stop' };

export interface GeneratorStats {
  seconds: number;
  /** Metrics frames written. */
  sent: number;
  /** Samples covered by acks received in the window (each seq counted once). */
  acked: number;
  /** Ack frames received. */
  ackFrames: number;
  /** Samples sent in the window still unacked at its end. */
  unacked: number;
  /** Ack round trip (frame written → ack covering it received), ms, for every sample acked in the window. */
  ackLatency: HistogramJson;
  pings: number;
  /** Connections open at the end of the window. */
  open: number;
  /** Connections the peer closed during the window, by close code. */
  closes: Record<string, number>;
  /** Largest `bufferedAmount` seen on one socket (bytes not yet handed to the kernel). */
  maxBuffered: number;
  /** Sends due but skipped because the socket was not open. */
  skipped: number;
}

export type GeneratorReport =
  | { type: 'ready'; connected: number; failed: number; retries: number; errors: Record<string, number> }
  | { type: 'stats'; stats: GeneratorStats }
  /** A `live-mode` frame arrived; `at` is `performance.timeOrigin + performance.now()` at receipt. */
  | { type: 'live-mode'; computerId: string; at: number }
  /** A signed `command` frame arrived (the simulated agent answers started and succeeded at once). */
  | { type: 'command'; computerId: string; commandId: string; at: number }
  | { type: 'stopped' };

export type BareCommand = { type: 'count' } | { type: 'stop' };
export type BareReport =
  | { type: 'listening'; port: number }
  | { type: 'count'; frames: number; bytes: number; connections: number };

/** A {@link Histogram} as it crosses IPC: sparse (bucket, count) pairs. */
export interface HistogramJson {
  pairs: number[];
  count: number;
  max: number;
}

/**
 * Latency histogram in milliseconds: 0.1 ms buckets below 100 ms, 1 ms
 * buckets up to 60 s, one overflow bucket. Sent over IPC as sparse pairs.
 */
export class Histogram {
  static readonly SIZE = 1000 + 59_900 + 1;
  readonly counts = new Uint32Array(Histogram.SIZE);
  count = 0;
  max = 0;

  add(ms: number): void {
    const v = Math.max(ms, 0);
    const i = v < 100 ? Math.floor(v * 10) : Math.min(Histogram.SIZE - 1, 1000 + Math.floor(v - 100));
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.count += 1;
    if (v > this.max) this.max = v;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < Histogram.SIZE; i++) this.counts[i] = (this.counts[i] ?? 0) + (other.counts[i] ?? 0);
    this.count += other.count;
    this.max = Math.max(this.max, other.max);
  }

  /** Upper edge of the bucket holding quantile `q` (0..1); NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < Histogram.SIZE; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(this.max, i < 1000 ? (i + 1) / 10 : i - 1000 + 101);
    }
    return this.max;
  }

  toJSON(): HistogramJson {
    const pairs: number[] = [];
    this.counts.forEach((c, i) => {
      if (c > 0) pairs.push(i, c);
    });
    return { pairs, count: this.count, max: this.max };
  }

  static fromJSON(json: HistogramJson): Histogram {
    const h = new Histogram();
    for (let k = 0; k + 1 < json.pairs.length; k += 2) h.counts[json.pairs[k] ?? 0] = json.pairs[k + 1] ?? 0;
    h.count = json.count;
    h.max = json.max;
    return h;
  }
}

/** Wall-clock ms with sub-ms resolution, comparable between processes of one machine. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
