import type { AuditEntry, AuditRepository } from './audit.repository.js';

/** One refused request, as the audit hook saw it. */
export interface Refusal {
  actorType: 'user' | 'relay';
  /** Null when the caller was not authenticated. */
  actorId: string | null;
  ip: string;
  method: string;
  route: string;
  status: number;
  code: string;
  message: string;
  params?: Record<string, unknown>;
  /** The fields a validation failure named. */
  fields?: string[];
}

export interface RefusalAuditOptions {
  /** Repeats of one refusal (same caller, route, status and code) within this window are counted, not written. @default 60 s */
  windowMs?: number;
  /** At most this many refusal entries per window in all; the rest are counted in one summary entry. @default 300 */
  maxPerWindow?: number;
  now?: () => number;
}

/**
 * Writes refused state changes to the audit log without letting anyone fill
 * it: the first of a run of identical refusals is written at once, its
 * repeats are counted and written as one entry (`repeated: n`) when the
 * window closes, and beyond `maxPerWindow` entries in a window everything
 * else becomes one `audit.refusals_dropped` count. Writes are never awaited
 * by the request (a refusal is answered first) and a failed write is logged.
 */
export class RefusalAudit {
  private readonly windowMs: number;
  private readonly maxPerWindow: number;
  private readonly now: () => number;
  private readonly runs = new Map<string, { first: Refusal; since: number; repeated: number }>();
  private written = 0;
  private dropped = 0;
  private windowStart: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly audit: AuditRepository,
    private readonly onError: (err: unknown) => void,
    options: RefusalAuditOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 60_000;
    this.maxPerWindow = options.maxPerWindow ?? 300;
    this.now = options.now ?? Date.now;
    this.windowStart = this.now();
  }

  /** Starts the timer that writes the counts of closed windows. */
  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.windowMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush(true);
  }

  record(refusal: Refusal): void {
    const now = this.now();
    this.rollWindow(now);
    const key = [
      refusal.actorType,
      refusal.actorId ?? refusal.ip,
      refusal.method,
      refusal.route,
      refusal.status,
      refusal.code,
    ].join('|');
    const run = this.runs.get(key);
    if (run && now - run.since < this.windowMs) {
      run.repeated += 1;
      return;
    }
    if (run) this.writeRepeats(run);
    if (!this.take()) return;
    this.runs.set(key, { first: refusal, since: now, repeated: 0 });
    this.write(entry(refusal));
  }

  /** Writes the repeat counts of runs whose window has closed (all of them with `all`), and the dropped count. */
  async flush(all = false): Promise<void> {
    const now = this.now();
    for (const [key, run] of this.runs) {
      if (!all && now - run.since < this.windowMs) continue;
      this.runs.delete(key);
      this.writeRepeats(run);
    }
    if (all) this.rollWindow(Number.POSITIVE_INFINITY);
    else this.rollWindow(now);
    await this.pendingWrites;
  }

  private pendingWrites: Promise<void> = Promise.resolve();

  private writeRepeats(run: { first: Refusal; repeated: number }): void {
    if (run.repeated === 0) return;
    const repeated = run.repeated;
    run.repeated = 0;
    if (!this.take()) {
      this.dropped += repeated - 1;
      return;
    }
    const e = entry(run.first);
    this.write({ ...e, details: { ...(e.details as object), repeated, windowSec: this.windowMs / 1000 } });
  }

  /** One more entry in this window, if the cap allows; else it is counted as dropped. */
  private take(): boolean {
    if (this.written < this.maxPerWindow) {
      this.written += 1;
      return true;
    }
    this.dropped += 1;
    return false;
  }

  private rollWindow(now: number): void {
    if (now - this.windowStart < this.windowMs) return;
    if (this.dropped > 0) {
      this.write({
        actor_type: 'system',
        actor_id: null,
        action: 'audit.refusals_dropped',
        target_type: null,
        target_id: null,
        ip: null,
        details: {
          dropped: this.dropped,
          windowSec: this.windowMs / 1000,
          reason: `more than ${this.maxPerWindow} refused requests in the window`,
        },
      });
    }
    this.dropped = 0;
    this.written = 0;
    this.windowStart = Number.isFinite(now) ? now : this.now();
  }

  private write(e: AuditEntry): void {
    const done = this.audit.record(e).catch(this.onError);
    this.pendingWrites = this.pendingWrites.then(() => done);
  }
}

function entry(r: Refusal): AuditEntry {
  return {
    actor_type: r.actorType,
    actor_id: r.actorId,
    action: 'request.refused',
    target_type: 'route',
    target_id: `${r.method} ${r.route}`,
    ip: r.ip,
    details: {
      status: r.status,
      code: r.code,
      message: r.message.slice(0, 300),
      ...(r.params && Object.keys(r.params).length > 0 ? { params: r.params } : {}),
      ...(r.fields && r.fields.length > 0 ? { fields: r.fields.slice(0, 20) } : {}),
    },
  };
}
