import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { chmod, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AgentAuthResponse } from '@labmgr/protocol';

/** A verdict the backend gave: this credential (by its hash) belongs to `agent`. */
export interface StoredVerdict {
  agent: AgentAuthResponse;
  /** Epoch ms when the backend last accepted the credential. */
  verifiedAt: number;
}

/** Where the store reports what it could not read or write. */
export interface StoreLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AuthVerdictStoreOptions {
  /** The JSON file (mode 0600); its folder is created (0700) when missing. */
  file: string;
  /** A verdict older than this (since the backend last accepted it) is never used. */
  maxAgeMs: number;
  /** Verdicts kept at most; the least recently confirmed go first. @default 100_000 */
  maxEntries?: number;
  /** New or confirmed verdicts reach the disk at most this often, in ms. @default 5_000 */
  flushMs?: number;
  /** @default Date.now */
  now?: () => number;
  log?: StoreLog;
}

const FORMAT_VERSION = 1;

interface FileShape {
  version: number;
  verdicts: Array<{ key: string; computerId: string; hostname: string; verifiedAt: number }>;
}

/**
 * The backend's accepted verdicts for agents this relay has seen, kept on
 * disk so that a relay restarted while its backend is unreachable can still
 * let them in (see `AgentAuthCache`). Keys are the SHA-256 hashes the cache
 * uses: the file never holds a credential. Additions are written in batches
 * (at most every `flushMs`); removals (a refusal, a revocation) are written
 * at once. Each write replaces the file atomically (temp file, then rename).
 */
export class AuthVerdictStore {
  readonly #file: string;
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;
  readonly #flushMs: number;
  readonly #now: () => number;
  readonly #log: StoreLog | undefined;
  /** Insertion-ordered by `verifiedAt`: the first key is the oldest. */
  readonly #entries = new Map<string, StoredVerdict>();
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  /** The write in progress, if any; writes never overlap. */
  #writing: Promise<void> | undefined;
  #closed = false;

  constructor(options: AuthVerdictStoreOptions) {
    this.#file = options.file;
    this.#maxAgeMs = options.maxAgeMs;
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#flushMs = options.flushMs ?? 5000;
    this.#now = options.now ?? Date.now;
    this.#log = options.log;
    this.#load();
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The verdict for `key` if younger than the maximum age; an older one is dropped. */
  get(key: string): StoredVerdict | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (this.#now() - entry.verifiedAt > this.#maxAgeMs) {
      this.#entries.delete(key);
      this.#schedule(this.#flushMs);
      return undefined;
    }
    return entry;
  }

  /** Records that the backend accepted the credential hashed as `key` just now. */
  put(key: string, agent: AgentAuthResponse): void {
    this.#entries.delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, {
      agent: { computerId: agent.computerId, hostname: agent.hostname },
      verifiedAt: this.#now(),
    });
    this.#schedule(this.#flushMs);
  }

  /** Forgets one verdict (the backend refused the credential); written at once. */
  delete(key: string): boolean {
    if (!this.#entries.delete(key)) return false;
    this.#schedule(0);
    return true;
  }

  /** Forgets every verdict of `computerId` (revoked); written at once. Returns how many. */
  deleteComputer(computerId: string): number {
    let count = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.agent.computerId !== computerId) continue;
      this.#entries.delete(key);
      count += 1;
    }
    if (count > 0) this.#schedule(0);
    return count;
  }

  /** Writes pending changes now; resolves when the file is replaced (or the write failed and was logged). */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    // One write at a time; a change made during a write is written by the next one.
    while (this.#writing) await this.#writing;
    if (!this.#dirty) return;
    this.#dirty = false;
    this.#writing = this.#write().finally(() => {
      this.#writing = undefined;
    });
    await this.#writing;
  }

  /** Writes what is pending and stops the timer; later changes stay in memory. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #schedule(delayMs: number): void {
    this.#dirty = true;
    if (this.#closed) return;
    if (this.#timer) {
      if (delayMs > 0) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, delayMs);
    this.#timer.unref();
  }

  async #write(): Promise<void> {
    const now = this.#now();
    const verdicts: FileShape['verdicts'] = [];
    for (const [key, entry] of this.#entries) {
      if (now - entry.verifiedAt > this.#maxAgeMs) continue;
      verdicts.push({ key, ...entry.agent, verifiedAt: entry.verifiedAt });
    }
    const body: FileShape = { version: FORMAT_VERSION, verdicts };
    const tmp = `${this.#file}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(dirname(this.#file), { recursive: true, mode: 0o700 });
      const handle = await open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(body)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      // Whatever the umask did at creation, the file is the owner's alone.
      await chmod(tmp, 0o600);
      await rename(tmp, this.#file);
    } catch (err) {
      // Kept in memory: the next change tries again.
      this.#dirty = true;
      await rm(tmp, { force: true }).catch(() => {});
      this.#log?.error({ err, file: this.#file }, 'cannot write the stored agent verdicts');
    }
  }

  #load(): void {
    let text: string;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.#log?.warn({ err, file: this.#file }, 'cannot read the stored agent verdicts; starting without');
      return;
    }
    const verdicts = parseFile(text);
    if (!verdicts) {
      this.#log?.warn(
        { file: this.#file },
        'stored agent verdicts are corrupted; ignoring them (the file is rewritten on the next change)',
      );
      return;
    }
    const now = this.#now();
    // Oldest first, so that the map's order is the eviction order.
    verdicts.sort((a, b) => a.verifiedAt - b.verifiedAt);
    for (const v of verdicts.slice(-this.#maxEntries)) {
      if (now - v.verifiedAt > this.#maxAgeMs) continue;
      this.#entries.set(v.key, {
        agent: { computerId: v.computerId, hostname: v.hostname },
        verifiedAt: v.verifiedAt,
      });
    }
  }
}

/** Deletes a store file left by an earlier run (the fallback is now off). */
export function removeVerdictStore(file: string): void {
  rmSync(file, { force: true });
}

/** The file's verdicts, skipping malformed entries; undefined when the file as a whole is not a store. */
function parseFile(text: string): FileShape['verdicts'] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { version, verdicts } = parsed as Partial<FileShape>;
  if (version !== FORMAT_VERSION || !Array.isArray(verdicts)) return undefined;
  const out: FileShape['verdicts'] = [];
  for (const v of verdicts as unknown[]) {
    if (typeof v !== 'object' || v === null) continue;
    const { key, verifiedAt } = v as Record<string, unknown>;
    const agent = AgentAuthResponse.safeParse(v);
    if (typeof key !== 'string' || typeof verifiedAt !== 'number' || !Number.isFinite(verifiedAt)) continue;
    if (!agent.success) continue;
    out.push({ key, ...agent.data, verifiedAt });
  }
  return out;
}
