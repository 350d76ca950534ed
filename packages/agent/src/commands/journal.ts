import { type FileHandle, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandResultFrame } from '@labmgr/protocol';
import { checkCommandResultFrame } from '@labmgr/protocol/compiled';
import { asRecord, ensurePrivateDir, isErrnoCode, writeFileAtomic } from '../state/files.js';

export const JOURNAL_FILE = 'commands.jsonl';

/** What the agent remembers about one command id. */
export interface JournalEntry {
  readonly id: string;
  /** When the agent first recorded it (epoch ms). */
  readonly at: number;
  /** The command's own deadline to start; until then a re-delivery could still run it. */
  readonly expiresAt: number;
  /** Set just before the process is spawned. */
  readonly startedAt: number | null;
  /** The final result, re-sent unchanged on a duplicate delivery. */
  readonly result: CommandResultFrame | null;
}

export interface JournalOptions {
  readonly now: () => number;
  /** Soft bound: older entries are forgotten past it, but only once their command has expired. @default 2000 */
  readonly maxEntries?: number;
  /** Entries older than this are forgotten, again only once expired. @default 30 days */
  readonly maxAgeMs?: number;
  /** Called with the number of unreadable lines skipped at open (a torn last write). */
  readonly onSkipped?: (count: number) => void;
}

/**
 * An id is forgotten only after its command has expired (plus this margin for
 * clock corrections): the freshness check then refuses a re-delivery anyway, so
 * the bounds can never make a command run twice.
 */
const EXPIRED_MARGIN_MS = 24 * 3600_000;

/**
 * The at-most-once memory: command ids with their start and final result,
 * persisted in the state dir as JSON lines. Appends are fsync'ed before the
 * caller goes on (a command is recorded as started before it is spawned); a
 * torn last line after a crash is skipped. The file is rewritten atomically at
 * open and whenever it holds twice as many lines as entries.
 */
export class CommandJournal {
  private readonly entries = new Map<string, JournalEntry>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private pending: string[] = [];
  private tail: Promise<void> = Promise.resolve();
  private handle: FileHandle | null = null;
  private lines = 0;

  private constructor(
    private readonly path: string,
    private readonly options: JournalOptions,
  ) {
    this.maxEntries = options.maxEntries ?? 2000;
    this.maxAgeMs = options.maxAgeMs ?? 30 * 24 * 3600_000;
  }

  /**
   * Loads the journal. A command recorded as started without a result was
   * running when the agent died: it gets a `failed` result now and never runs again.
   */
  static async open(stateDir: string, options: JournalOptions): Promise<CommandJournal> {
    await ensurePrivateDir(stateDir);
    const journal = new CommandJournal(join(stateDir, JOURNAL_FILE), options);
    await journal.load();
    const now = options.now();
    for (const entry of journal.entries.values()) {
      if (entry.result === null && entry.startedAt !== null) {
        const finishedAt = Math.max(now, entry.startedAt);
        journal.entries.set(entry.id, {
          ...entry,
          result: {
            type: 'command-result',
            commandId: entry.id,
            status: 'failed',
            exitCode: null,
            signal: null,
            startedAt: entry.startedAt,
            finishedAt,
            durationMs: finishedAt - entry.startedAt,
            truncated: false,
            message: 'agent restarted while the command ran',
          },
        });
      }
    }
    journal.prune(true);
    await journal.compact();
    return journal;
  }

  get(id: string): JournalEntry | undefined {
    return this.entries.get(id);
  }

  /** Durably records that the command is about to be spawned; resolves once on disk. */
  recordStarted(id: string, expiresAt: number, startedAt: number): Promise<void> {
    return this.put({ id, at: this.options.now(), expiresAt, startedAt, result: null });
  }

  /** Records the final result (refusals of authentic commands included). */
  recordResult(expiresAt: number, result: CommandResultFrame): Promise<void> {
    const previous = this.entries.get(result.commandId);
    const at = previous?.at ?? this.options.now();
    return this.put({ id: result.commandId, at, expiresAt, startedAt: previous?.startedAt ?? null, result });
  }

  /** Waits for pending writes and closes the file. */
  async close(): Promise<void> {
    await this.enqueue(async () => {
      await this.handle?.close();
      this.handle = null;
    });
  }

  private put(entry: JournalEntry): Promise<void> {
    this.entries.set(entry.id, entry);
    this.prune(false);
    this.pending.push(`${JSON.stringify(entry)}\n`);
    return this.enqueue(() => this.writePending());
  }

  /** Runs writes one after another; a failed write does not block later ones. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.tail.then(task);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Group commit: one write and one fsync for every line queued since the last. */
  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    const count = this.pending.length;
    this.pending = [];
    if (this.lines + count > 2 * Math.max(this.entries.size, this.maxEntries)) {
      await this.compact();
      return;
    }
    this.handle ??= await open(this.path, 'a', 0o600);
    await this.handle.write(text);
    await this.handle.datasync();
    this.lines += count;
  }

  private async compact(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
    const text = [...this.entries.values()].map((entry) => `${JSON.stringify(entry)}\n`).join('');
    await writeFileAtomic(this.path, text);
    this.lines = this.entries.size;
  }

  private prune(byAge: boolean): void {
    const now = this.options.now();
    let excess = this.entries.size - this.maxEntries;
    if (excess <= 0 && !byAge) return;
    for (const entry of this.entries.values()) {
      const forgettable = entry.result !== null && entry.expiresAt + EXPIRED_MARGIN_MS < now;
      if (!forgettable) continue;
      if (excess > 0 || (byAge && entry.at < now - this.maxAgeMs)) {
        this.entries.delete(entry.id);
        excess -= 1;
      }
    }
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if (isErrnoCode(err, 'ENOENT')) return;
      throw err;
    }
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const entry = parseEntry(line);
      if (entry) this.entries.set(entry.id, entry);
      else skipped += 1;
    }
    if (skipped > 0) this.options.onSkipped?.(skipped);
  }
}

function parseEntry(line: string): JournalEntry | null {
  let record: Record<string, unknown> | undefined;
  try {
    record = asRecord(JSON.parse(line));
  } catch {
    return null;
  }
  if (!record) return null;
  const { id, at, expiresAt, startedAt } = record;
  const result = record.result === null ? null : checkCommandResultFrame(record.result);
  if (typeof id !== 'string' || typeof at !== 'number' || typeof expiresAt !== 'number') return null;
  if (startedAt !== null && typeof startedAt !== 'number') return null;
  if (result !== null && (!result.ok || result.value.commandId !== id)) return null;
  return { id, at, expiresAt, startedAt, result: result?.ok ? result.value : null };
}
