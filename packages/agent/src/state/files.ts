import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Owner-only: the state directory holds the agent's credential. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the directory (and parents) if needed and makes it owner-only.
 * The chmod also covers a directory that already existed with a wider mode.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(dir, PRIVATE_DIR_MODE);
}

export interface WriteOptions {
  /** @default 0o600 */
  readonly mode?: number;
  /**
   * fsync the file and its directory before returning, so the new content
   * survives a power cut. Needed for the credential and the seq reservation;
   * not worth the disk flush for the status file.
   * @default true
   */
  readonly durable?: boolean;
}

/**
 * Replaces `path` atomically: readers see the old or the new content, never a
 * torn file, because the data goes to a temporary file in the same directory
 * that is then renamed over the target.
 */
export async function writeFileAtomic(path: string, data: string, options: WriteOptions = {}): Promise<void> {
  const mode = options.mode ?? PRIVATE_FILE_MODE;
  const durable = options.durable ?? true;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx', mode);
    try {
      // The umask may have narrowed `mode`; never widened it, but be explicit.
      await handle.chmod(mode);
      await handle.writeFile(data, 'utf8');
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  if (durable) await syncDir(dirname(path));
}

/**
 * `writeFileAtomic` for a small file rewritten often and never fsynced (the
 * run status): synchronous, so it costs four system calls on the calling
 * thread instead of five trips through the thread pool, each of which wakes
 * the event loop again. The temporary name is fixed per process (one writer).
 */
export function writeFileAtomicSync(path: string, data: string, mode = PRIVATE_FILE_MODE): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    // `mode` applies on creation (the umask can only narrow it); a leftover of this pid is replaced.
    writeFileSync(tmp, data, { mode, flag: 'w' });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Reads and parses a JSON file; `undefined` when it does not exist. Other errors propagate. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return undefined;
    throw err;
  }
  return JSON.parse(text);
}

/** Narrows parsed JSON to a plain object so fields can be checked one by one. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.fromEntries(Object.entries(value));
}

export function isErrnoCode(err: unknown, code: string): boolean {
  return err instanceof Error && 'code' in err && err.code === code;
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some filesystems cannot fsync a directory; the rename is still atomic there.
  }
}
