/** One process as the top lists rank it. */
export interface Candidate {
  readonly pid: number;
  readonly name: string;
  readonly cpuPercent: number;
  readonly rssBytes: number;
}

export type RankKey = 'cpuPercent' | 'rssBytes';

/**
 * A list of the `size` largest candidates by `key` (ties broken by `tie`),
 * kept in order as processes are offered one by one, so a walk over every
 * process never sorts them all, and `wants` can be asked before the name is
 * decoded.
 */
export class TopList {
  readonly items: Candidate[] = [];

  constructor(
    private readonly size: number,
    private readonly key: RankKey,
    private readonly tie: RankKey,
  ) {}

  /** Whether a process with these figures would enter the list. */
  wants(figures: Pick<Candidate, RankKey>): boolean {
    const last = this.items[this.items.length - 1];
    return this.items.length < this.size || !last || this.before(figures, last);
  }

  offer(c: Candidate): void {
    if (!this.wants(c)) return;
    let i = this.items.length;
    while (i > 0) {
      const prev = this.items[i - 1];
      if (!prev || !this.before(c, prev)) break;
      i -= 1;
    }
    this.items.splice(i, 0, c);
    if (this.items.length > this.size) this.items.pop();
  }

  private before(a: Pick<Candidate, RankKey>, b: Pick<Candidate, RankKey>): boolean {
    return a[this.key] > b[this.key] || (a[this.key] === b[this.key] && a[this.tie] > b[this.tie]);
  }
}
