import { statSync } from 'node:fs';
import { readText } from './read.js';

/** `name:x:uid:…` lines of /etc/passwd → uid → name (the first entry for a uid wins, as getpwuid does). */
export function parsePasswd(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [name, , uidText] = line.split(':');
    const uid = Number(uidText);
    if (!name || !uidText || !Number.isInteger(uid) || names.has(uid)) continue;
    names.set(uid, name);
  }
  return names;
}

/** How often /etc/passwd's mtime is checked: accounts change rarely, and each check is a system call. */
export const PASSWD_CHECK_MS = 60_000;

/**
 * uid → user name from /etc/passwd, read again only when its mtime changes
 * (checked at most every PASSWD_CHECK_MS). Users from a
 * directory service (LDAP, sssd, common in labs) are not in the file; like
 * `ps`, their uid is shown as a number rather than spending a child process
 * or an NSS round trip per sample.
 */
export class UserNames {
  private names = new Map<number, string>();
  private mtimeMs = Number.NaN;
  private checkedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly passwdPath: string) {}

  /** `now`: monotonic ms. */
  refresh(now: number): void {
    if (now - this.checkedAt < PASSWD_CHECK_MS) return;
    this.checkedAt = now;
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.passwdPath, { throwIfNoEntry: false })?.mtimeMs ?? -1;
    } catch {
      mtimeMs = -1;
    }
    if (mtimeMs === this.mtimeMs) return;
    this.mtimeMs = mtimeMs;
    this.names = parsePasswd(readText(this.passwdPath) ?? '');
  }

  name(uid: number): string {
    return this.names.get(uid) ?? String(uid);
  }
}
