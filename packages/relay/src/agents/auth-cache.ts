import { createHash } from 'node:crypto';
import type { AgentAuthResponse } from '@labmgr/protocol';
import type { AgentAuthOutcome } from '../backend/backend-client.js';
import type { AuthVerdictStore } from './auth-store.js';

export interface AuthCacheOptions {
  /** How long an accepted verdict is reused, in ms; 0 turns caching off. @default 30_000 */
  acceptedTtlMs?: number;
  /** How long a refusal (401/403) is reused, in ms. @default 0 (not cached) */
  refusedTtlMs?: number;
  /** Entries kept at most; the oldest go first. @default 100_000 */
  maxEntries?: number;
  /** @default Date.now */
  now?: () => number;
  /**
   * Accepted verdicts kept on disk, used only when the backend cannot be
   * asked. @default none: "cannot ask" is answered as such
   */
  store?: AuthVerdictStore | undefined;
  /**
   * Called when the backend refuses a credential that was let in on a stored
   * verdict: close that computer's connections (4401).
   */
  onStaleRefused?: (computerId: string) => void;
  /** While agents are in on stored verdicts, their credentials are checked again this often, in ms. @default 10_000 */
  recheckIntervalMs?: number;
}

/** A credential let in on a stored verdict, kept in memory until the backend has answered for it. */
interface StaleAdmission {
  credential: string;
  computerId: string;
}

type Entry =
  | { kind: 'accepted'; agent: AgentAuthResponse; expiresAt: number }
  | { kind: 'refused'; status: number; message: string; expiresAt: number };

/**
 * Remembers the backend's verdict on a credential for a short while, so an
 * agent that reconnects (flaky Wi-Fi, relay restart with a fleet coming back)
 * costs no backend call each time. Keys are SHA-256 hashes: the relay's
 * memory never holds the credentials themselves. "Cannot ask" (unavailable)
 * is never cached. `evictComputer` forgets a revoked agent at once.
 *
 * With a `store`, every accepted verdict is also kept on disk, and when the
 * backend cannot be asked (network error, timeout, 5xx, Retry-After) a
 * credential with a stored verdict younger than the store's maximum age is let
 * in anyway (`stale` set on the outcome). Such credentials, and only they, are
 * held in memory until the backend answers for them again ({@link recheck}); a
 * refusal then removes the stored verdict and `onStaleRefused` closes the
 * agent. A refusal or an eviction always removes the stored verdict too.
 */
export class AgentAuthCache {
  readonly #check: (credential: string) => Promise<AgentAuthOutcome>;
  readonly #acceptedTtlMs: number;
  readonly #refusedTtlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** Insertion-ordered, so the first key is the oldest. */
  readonly #entries = new Map<string, Entry>();
  /** computerId -> keys of its accepted entries. */
  readonly #byComputer = new Map<string, Set<string>>();
  readonly #store: AuthVerdictStore | undefined;
  readonly #onStaleRefused: ((computerId: string) => void) | undefined;
  readonly #recheckIntervalMs: number;
  /** Hash -> credential let in on a stored verdict, awaiting the backend's answer. */
  readonly #stale = new Map<string, StaleAdmission>();
  #recheckTimer: NodeJS.Timeout | undefined;
  #rechecking: Promise<void> | undefined;
  #lastRecheck = Number.NEGATIVE_INFINITY;
  #hits = 0;
  #misses = 0;
  #fallbacks = 0;
  /** Bumped by every eviction: a lookup that started before one must not cache its answer. */
  #generation = 0;

  constructor(check: (credential: string) => Promise<AgentAuthOutcome>, options: AuthCacheOptions = {}) {
    this.#check = check;
    this.#acceptedTtlMs = options.acceptedTtlMs ?? 30_000;
    this.#refusedTtlMs = options.refusedTtlMs ?? 0;
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
    this.#store = options.store;
    this.#onStaleRefused = options.onStaleRefused;
    this.#recheckIntervalMs = options.recheckIntervalMs ?? 10_000;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Lookups answered from the cache / by the backend. */
  get stats(): { hits: number; misses: number } {
    return { hits: this.#hits, misses: this.#misses };
  }

  /** Credentials let in on a stored verdict that the backend has not answered for yet. */
  get staleAdmissions(): number {
    return this.#stale.size;
  }

  /** Connections let in on a stored verdict since start. */
  get fallbacks(): number {
    return this.#fallbacks;
  }

  /** The cached verdict if fresh, else the backend's (cached per the TTLs). Never rejects if `check` does not. */
  async authenticate(credential: string): Promise<AgentAuthOutcome> {
    const key = hashCredential(credential);
    const cached = this.#entries.get(key);
    if (cached) {
      if (cached.expiresAt > this.#now()) {
        this.#hits += 1;
        // The backend accepted it within the TTL: as good as asking again.
        if (cached.kind === 'accepted') this.#stale.delete(key);
        return cached.kind === 'accepted'
          ? { kind: 'accepted', agent: cached.agent }
          : { kind: 'refused', status: cached.status, message: cached.message };
      }
      this.#delete(key);
    }
    this.#misses += 1;
    const generation = this.#generation;
    const outcome = await this.#check(credential);
    if (outcome.kind === 'accepted') {
      if (generation === this.#generation) {
        this.#stale.delete(key);
        this.#store?.put(key, outcome.agent);
        if (this.#acceptedTtlMs > 0)
          this.#set(key, {
            kind: 'accepted',
            agent: outcome.agent,
            expiresAt: this.#now() + this.#acceptedTtlMs,
          });
      }
    } else if (outcome.kind === 'unavailable') {
      return this.#fallback(key, credential, outcome);
    } else if (outcome.kind === 'refused') {
      // A refusal supersedes an accepted entry another lookup may have stored meanwhile.
      this.#delete(key);
      this.#store?.delete(key);
      const admitted = this.#stale.get(key);
      if (admitted) {
        this.#stale.delete(key);
        this.#onStaleRefused?.(admitted.computerId);
      }
      if (this.#refusedTtlMs > 0) {
        this.#set(key, {
          kind: 'refused',
          status: outcome.status,
          message: outcome.message,
          expiresAt: this.#now() + this.#refusedTtlMs,
        });
      }
    }
    return outcome;
  }

  /**
   * Forgets every accepted verdict for `computerId` (its credential was
   * revoked or rotated), the stored ones included; the next connection asks
   * the backend again. Returns how many in-memory entries were dropped.
   */
  evictComputer(computerId: string): number {
    this.#generation += 1;
    this.#store?.deleteComputer(computerId);
    for (const [key, admitted] of this.#stale)
      if (admitted.computerId === computerId) this.#stale.delete(key);
    const keys = this.#byComputer.get(computerId);
    if (!keys) return 0;
    const count = keys.size;
    for (const key of [...keys]) this.#delete(key);
    return count;
  }

  /** Forgets everything in memory (the stored verdicts stay). */
  clear(): void {
    this.#generation += 1;
    this.#entries.clear();
    this.#byComputer.clear();
  }

  /**
   * Asks the backend again about each credential let in on a stored verdict,
   * one after another, stopping at the first "cannot ask". Refused ones are
   * closed through `onStaleRefused`. Runs at most once at a time and, unless
   * `force`, at most once a second: call it whenever the backend answered.
   */
  recheck(force = false): Promise<void> {
    if (this.#stale.size === 0) return Promise.resolve();
    if (this.#rechecking) return this.#rechecking;
    if (!force && this.#now() - this.#lastRecheck < 1000) return Promise.resolve();
    this.#lastRecheck = this.#now();
    this.#rechecking = this.#recheckAll().finally(() => {
      this.#rechecking = undefined;
    });
    return this.#rechecking;
  }

  /** Stops the re-check timer and writes the stored verdicts. */
  async close(): Promise<void> {
    clearInterval(this.#recheckTimer);
    this.#recheckTimer = undefined;
    await this.#rechecking;
    await this.#store?.close();
  }

  async #recheckAll(): Promise<void> {
    for (const [key, admitted] of [...this.#stale]) {
      // Answered meanwhile (a new connection of it, or an eviction).
      if (this.#stale.get(key) !== admitted) continue;
      const outcome = await this.authenticate(admitted.credential);
      if (outcome.kind === 'unavailable' || (outcome.kind === 'accepted' && outcome.stale)) break;
    }
    if (this.#stale.size === 0) {
      clearInterval(this.#recheckTimer);
      this.#recheckTimer = undefined;
    }
  }

  /** "Cannot ask": a stored verdict young enough lets the agent in; otherwise the outcome stands. */
  #fallback(
    key: string,
    credential: string,
    outcome: Extract<AgentAuthOutcome, { kind: 'unavailable' }>,
  ): AgentAuthOutcome {
    const stored = this.#store?.get(key);
    if (!stored) return outcome;
    this.#fallbacks += 1;
    this.#stale.delete(key);
    while (this.#stale.size >= this.#maxEntries) {
      const oldest = this.#stale.keys().next();
      if (oldest.done) break;
      this.#stale.delete(oldest.value);
    }
    this.#stale.set(key, { credential, computerId: stored.agent.computerId });
    if (!this.#recheckTimer) {
      this.#recheckTimer = setInterval(() => void this.recheck(true), this.#recheckIntervalMs);
      this.#recheckTimer.unref();
    }
    return { kind: 'accepted', agent: stored.agent, stale: { verifiedAt: stored.verifiedAt } };
  }

  #set(key: string, entry: Entry): void {
    this.#delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#delete(oldest.value);
    }
    this.#entries.set(key, entry);
    if (entry.kind === 'accepted') {
      let keys = this.#byComputer.get(entry.agent.computerId);
      if (!keys) {
        keys = new Set();
        this.#byComputer.set(entry.agent.computerId, keys);
      }
      keys.add(key);
    }
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    if (entry.kind !== 'accepted') return;
    const keys = this.#byComputer.get(entry.agent.computerId);
    keys?.delete(key);
    if (keys?.size === 0) this.#byComputer.delete(entry.agent.computerId);
  }
}

function hashCredential(credential: string): string {
  return createHash('sha256').update(credential).digest('base64');
}
