import { createHash } from 'node:crypto';
import type { AgentAuthResponse } from '@labmgr/protocol';
import type { AgentAuthOutcome } from '../backend/backend-client.js';

export interface AuthCacheOptions {
  /** How long an accepted verdict is reused, in ms; 0 turns caching off. @default 30_000 */
  acceptedTtlMs?: number;
  /** How long a refusal (401/403) is reused, in ms. @default 0 (not cached) */
  refusedTtlMs?: number;
  /** Entries kept at most; the oldest go first. @default 100_000 */
  maxEntries?: number;
  /** @default Date.now */
  now?: () => number;
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
  #hits = 0;
  #misses = 0;
  /** Bumped by every eviction: a lookup that started before one must not cache its answer. */
  #generation = 0;

  constructor(check: (credential: string) => Promise<AgentAuthOutcome>, options: AuthCacheOptions = {}) {
    this.#check = check;
    this.#acceptedTtlMs = options.acceptedTtlMs ?? 30_000;
    this.#refusedTtlMs = options.refusedTtlMs ?? 0;
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Lookups answered from the cache / by the backend. */
  get stats(): { hits: number; misses: number } {
    return { hits: this.#hits, misses: this.#misses };
  }

  /** The cached verdict if fresh, else the backend's (cached per the TTLs). Never rejects if `check` does not. */
  async authenticate(credential: string): Promise<AgentAuthOutcome> {
    const key = hashCredential(credential);
    const cached = this.#entries.get(key);
    if (cached) {
      if (cached.expiresAt > this.#now()) {
        this.#hits += 1;
        return cached.kind === 'accepted'
          ? { kind: 'accepted', agent: cached.agent }
          : { kind: 'refused', status: cached.status, message: cached.message };
      }
      this.#delete(key);
    }
    this.#misses += 1;
    const generation = this.#generation;
    const outcome = await this.#check(credential);
    if (outcome.kind === 'accepted' && this.#acceptedTtlMs > 0 && generation === this.#generation) {
      this.#set(key, {
        kind: 'accepted',
        agent: outcome.agent,
        expiresAt: this.#now() + this.#acceptedTtlMs,
      });
    } else if (outcome.kind === 'refused') {
      // A refusal supersedes an accepted entry another lookup may have stored meanwhile.
      this.#delete(key);
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
   * revoked or rotated); the next connection asks the backend again.
   * Returns how many entries were dropped.
   */
  evictComputer(computerId: string): number {
    this.#generation += 1;
    const keys = this.#byComputer.get(computerId);
    if (!keys) return 0;
    const count = keys.size;
    for (const key of [...keys]) this.#delete(key);
    return count;
  }

  /** Forgets everything. */
  clear(): void {
    this.#generation += 1;
    this.#entries.clear();
    this.#byComputer.clear();
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
