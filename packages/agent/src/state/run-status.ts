import { join } from 'node:path';
import { asRecord, readJsonFile, writeFileAtomic, writeFileAtomicSync } from './files.js';

/**
 * What the `run` process last reported about itself, for `status`. Written
 * every few seconds to `status.json`; times are epoch milliseconds.
 */
export interface RunStatus {
  readonly pid: number;
  readonly startedAt: number;
  readonly updatedAt: number;
  /** The connection state machine's current state (`ready`, `waiting`, …). */
  readonly state: string;
  /** True once the relay's `welcome` arrived on the current socket. */
  readonly connected: boolean;
  readonly relayUrl: string;
  /** Highest sequence number the backend has acknowledged (cumulative). */
  readonly lastAckSeq: number | null;
  readonly lastAckAt: number | null;
  /** Sequence number of the newest sample taken. */
  readonly lastSeq: number | null;
  /** Samples waiting for an ack. */
  readonly bufferedSamples: number;
  /** Their size on disk. */
  readonly bufferedBytes: number;
  /** Samples lost: evicted from the full buffer before the backend stored them, each counted once, over the buffer's life (survives restarts). */
  readonly droppedSamples: number;
  /** The configured sampling interval. */
  readonly intervalMs: number;
  /** The server's faster sampling, while it lasts. */
  readonly liveMode: { readonly intervalMs: number; readonly expiresAt: number } | null;
  /** Why the last connection attempt or socket ended, if it did. */
  readonly lastError: string | null;
}

export const STATUS_FILE = 'status.json';

export function statusFilePath(stateDir: string): string {
  return join(stateDir, STATUS_FILE);
}

/** Not fsynced: losing the last status on a power cut costs nothing. */
export async function writeRunStatus(stateDir: string, status: RunStatus): Promise<void> {
  await writeFileAtomic(statusFilePath(stateDir), `${JSON.stringify(status)}\n`, { durable: false });
}

/** `writeRunStatus` in four system calls on the calling thread (what `run` uses every few seconds). */
export function writeRunStatusSync(stateDir: string, status: RunStatus): void {
  writeFileAtomicSync(statusFilePath(stateDir), `${JSON.stringify(status)}\n`);
}

/** The last status `run` wrote, or `null` if there is none or it cannot be read. */
export async function readRunStatus(stateDir: string): Promise<RunStatus | null> {
  let json: unknown;
  try {
    json = await readJsonFile(statusFilePath(stateDir));
  } catch {
    return null;
  }
  const r = asRecord(json);
  if (!r) return null;
  const { pid, startedAt, updatedAt, state, connected, relayUrl, lastAckSeq, lastAckAt, lastSeq } = r;
  const { bufferedSamples, bufferedBytes, droppedSamples, intervalMs, lastError } = r;
  const liveMode = parseLiveMode(r.liveMode);
  if (
    !isCount(pid) ||
    !isCount(startedAt) ||
    !isCount(updatedAt) ||
    typeof state !== 'string' ||
    typeof connected !== 'boolean' ||
    typeof relayUrl !== 'string' ||
    !isCountOrNull(lastAckSeq) ||
    !isCountOrNull(lastAckAt) ||
    !isCountOrNull(lastSeq) ||
    !isCount(bufferedSamples) ||
    !isCount(bufferedBytes) ||
    !isCount(droppedSamples) ||
    !isCount(intervalMs) ||
    liveMode === undefined ||
    !(typeof lastError === 'string' || lastError === null)
  ) {
    return null;
  }
  return {
    pid,
    startedAt,
    updatedAt,
    state,
    connected,
    relayUrl,
    lastAckSeq,
    lastAckAt,
    lastSeq,
    bufferedSamples,
    bufferedBytes,
    droppedSamples,
    intervalMs,
    liveMode,
    lastError,
  };
}

/** `undefined` when malformed. */
function parseLiveMode(v: unknown): RunStatus['liveMode'] | undefined {
  if (v === null) return null;
  const r = asRecord(v);
  if (!r || !isCount(r.intervalMs) || !isCount(r.expiresAt)) return undefined;
  return { intervalMs: r.intervalMs, expiresAt: r.expiresAt };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isCountOrNull(v: unknown): v is number | null {
  return v === null || isCount(v);
}
