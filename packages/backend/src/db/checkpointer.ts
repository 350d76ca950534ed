import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL pages after which the writing connection checkpoints by itself: a safety
 * net only, for when the background checkpointer is gone or cannot keep up.
 * @default 65536 (256 MiB of 4 KiB pages)
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 65_536;

export interface CheckpointerOptions {
  /** The SQLite file (its `-wal` beside it). */
  file: string;
  /** @default 250 */
  intervalMs?: number;
  /** Called when the checkpointer reports a failure (it keeps trying). */
  onError?: (message: string) => void;
}

/**
 * The checkpointer's own code. It runs in a worker thread from source text
 * (`eval`), so it needs no separate build output and works the same under the
 * test runner, which loads the backend's TypeScript directly.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
// Driver errors lose their message crossing threads as uncaught errors: send the text.
const report = (err) => parentPort.postMessage({ error: String((err && err.message) || (err && err.code) || err) });
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true });
} catch (err) {
  report(err);
  parentPort.close();
}
let failing = false;
const run = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failing = false;
  } catch (err) {
    if (!failing) report(err);
    failing = true;
  }
};
const timer = db && setInterval(run, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop' || !db) return;
  clearInterval(timer);
  run();
  db.close();
  parentPort.close();
});
`;

/**
 * Copies the WAL back into the database file from a worker thread with its
 * own connection, so that the ingest path only appends to the WAL.
 *
 * Why: with SQLite's default automatic checkpoint (every 1,000 pages) the
 * connection that commits also checkpoints, on the event loop: a third of the
 * ingest route's time went to copying pages and fsyncing, and a checkpoint
 * stalls every request meanwhile. A PASSIVE checkpoint never blocks writers or
 * readers, and checkpointing less often copies a page rewritten by many
 * batches (the index leaves of a computer) once rather than once per batch.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private stopped: Promise<void> | undefined;
  private exited = false;

  constructor(options: CheckpointerOptions) {
    const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file: options.file, driverPath, intervalMs: options.intervalMs ?? 250 },
    });
    this.worker.on('message', (m: { error?: string }) => {
      if (m.error) options.onError?.(m.error);
    });
    this.worker.on('error', (err: unknown) => options.onError?.(describe(err)));
    this.worker.once('exit', () => {
      this.exited = true;
    });
    // Never what keeps the process alive.
    this.worker.unref();
  }

  /** Runs a last checkpoint and ends the thread (its connection closed). */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      const timer = setTimeout(() => void this.worker.terminate().then(() => resolve()), 10_000);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.worker.postMessage('stop');
    });
    return this.stopped;
  }
}

/** A worker's uncaught error: driver errors arrive as plain objects, not Errors. */
function describe(err: unknown): string {
  const message =
    typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof message === 'string' && message ? message : String(err);
}
