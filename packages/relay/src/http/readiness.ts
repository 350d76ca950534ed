/** The answer of `/readyz`. */
export type Readiness = { ready: true } | { ready: false; reason: string };

export interface ReadinessOptions {
  /** Base URL of the backend; the probe GETs `api/v1/health` under it. */
  backendUrl: string;
  /** True once the relay has begun shutting down. */
  isClosing: () => boolean;
  /** A backend observation older than this is refreshed by a probe. @default 10_000 */
  staleMs?: number;
  /** At most one probe per this many ms, however often `/readyz` is asked. @default 1_000 */
  minProbeIntervalMs?: number;
  /** Probe deadline. @default 2_000 */
  probeTimeoutMs?: number;
  /** @default Date.now */
  now?: () => number;
  /** @default a GET with fetch; resolves true when the backend answered below 500. */
  probe?: (url: URL, timeoutMs: number) => Promise<{ ok: boolean; reason?: string }>;
}

/**
 * Whether the relay can do its job: listening, not shutting down, and the
 * backend reachable recently. Every backend call reports in through
 * `observe`; when the last observation is a failure or has gone stale, `check`
 * probes the backend's health route (single flight, rate-limited) so the
 * answer also recovers while no agent traffic flows.
 */
export class ReadinessTracker {
  readonly #opts: Required<Omit<ReadinessOptions, 'backendUrl'>>;
  readonly #healthUrl: URL;
  #last: { ok: boolean; reason: string | undefined; at: number } | undefined;
  #probing: Promise<void> | undefined;
  #lastProbeAt = Number.NEGATIVE_INFINITY;

  constructor(options: ReadinessOptions) {
    const base = options.backendUrl.endsWith('/') ? options.backendUrl : `${options.backendUrl}/`;
    this.#healthUrl = new URL('api/v1/health', base);
    this.#opts = {
      isClosing: options.isClosing,
      staleMs: options.staleMs ?? 10_000,
      minProbeIntervalMs: options.minProbeIntervalMs ?? 1_000,
      probeTimeoutMs: options.probeTimeoutMs ?? 2_000,
      now: options.now ?? Date.now,
      probe: options.probe ?? probeHealth,
    };
  }

  /** Records whether a backend call got an answer. */
  observe(ok: boolean, reason?: string): void {
    this.#last = { ok, reason, at: this.#opts.now() };
  }

  async check(): Promise<Readiness> {
    if (this.#opts.isClosing()) return { ready: false, reason: 'relay is shutting down' };
    const now = this.#opts.now();
    const last = this.#last;
    const needsProbe = !last?.ok || now - last.at > this.#opts.staleMs;
    if (needsProbe && now - this.#lastProbeAt >= this.#opts.minProbeIntervalMs) {
      this.#probing ??= this.#probe().finally(() => {
        this.#probing = undefined;
      });
    }
    if (this.#probing) await this.#probing;
    if (this.#opts.isClosing()) return { ready: false, reason: 'relay is shutting down' };
    const seen = this.#last;
    if (!seen) return { ready: false, reason: 'backend not reached yet' };
    if (!seen.ok) return { ready: false, reason: `backend unreachable: ${seen.reason ?? 'no answer'}` };
    return { ready: true };
  }

  async #probe(): Promise<void> {
    this.#lastProbeAt = this.#opts.now();
    let result: { ok: boolean; reason?: string };
    try {
      result = await this.#opts.probe(this.#healthUrl, this.#opts.probeTimeoutMs);
    } catch (err) {
      result = { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
    this.observe(result.ok, result.reason);
  }
}

async function probeHealth(url: URL, timeoutMs: number): Promise<{ ok: boolean; reason?: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    return res.status < 500 ? { ok: true } : { ok: false, reason: `health answered ${res.status}` };
  } catch (err) {
    if (err instanceof Error && err.name === 'TimeoutError') return { ok: false, reason: 'timed out' };
    const cause = err instanceof Error ? (err.cause as NodeJS.ErrnoException | undefined) : undefined;
    return { ok: false, reason: cause?.code ?? (err instanceof Error ? err.message : String(err)) };
  }
}
