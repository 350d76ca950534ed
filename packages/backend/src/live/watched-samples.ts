import type { MetricSample } from '@labmgr/protocol';

/** How long a computer's last full sample is kept after its watch lapsed (the detail page reopened soon after). */
const KEEP_AFTER_MS = 10 * 60_000;

/**
 * The latest full sample (per core, per disk and interface, top processes) of
 * the computers someone watches live. Raw history keeps only the charted
 * figures, so this is where the computer detail page gets the rest: a computer
 * is watched for the lease a browser asks for (`POST …/live-mode`), and its
 * last sample is kept a while after. Memory is bounded by what people are
 * looking at, not by the fleet.
 */
export class WatchedSamples {
  readonly #watchedUntil = new Map<string, number>();
  readonly #latest = new Map<string, { sample: MetricSample; keepUntil: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Someone watches `computerId` for `ttlSec` more seconds. */
  watch(computerId: string, ttlSec: number): void {
    const until = this.now() + ttlSec * 1000;
    this.#watchedUntil.set(computerId, Math.max(until, this.#watchedUntil.get(computerId) ?? 0));
    this.#prune();
  }

  isWatched(computerId: string): boolean {
    return (this.#watchedUntil.get(computerId) ?? 0) > this.now();
  }

  /**
   * Keeps `sample` if the computer is watched and returns what to push to
   * browsers, or null. A sample without top-process lists (agents send them
   * only after a walk of the processes) is kept, and pushed, with the lists
   * of the previous one.
   */
  offer(computerId: string, sample: MetricSample): MetricSample | null {
    const until = this.#watchedUntil.get(computerId);
    if (until === undefined || until <= this.now()) return null;
    const previous = this.#latest.get(computerId);
    if (previous && previous.sample.at > sample.at) return null;
    const lists = sample.topProcesses ?? previous?.sample.topProcesses;
    const kept = lists && !sample.topProcesses ? { ...sample, topProcesses: lists } : sample;
    this.#latest.set(computerId, { sample: kept, keepUntil: until + KEEP_AFTER_MS });
    return kept;
  }

  latest(computerId: string): MetricSample | null {
    const entry = this.#latest.get(computerId);
    if (!entry || entry.keepUntil <= this.now()) return null;
    return entry.sample;
  }

  #prune(): void {
    const now = this.now();
    for (const [id, until] of this.#watchedUntil)
      if (until + KEEP_AFTER_MS <= now) this.#watchedUntil.delete(id);
    for (const [id, entry] of this.#latest) if (entry.keepUntil <= now) this.#latest.delete(id);
  }
}
