import type { LoggedInUser } from '@labmgr/protocol';
import { clip, clipOrNull } from './limits.js';

/**
 * `struct utmp` as glibc lays it out on x86_64 (and i386): 384 bytes, with
 * 32-bit `ut_tv` on both for compatibility. Other architectures use other
 * layouts, so the collector only calls this where this layout holds.
 */
export const UTMP_RECORD_SIZE = 384;
const OFFSET = { type: 0, line: 8, user: 44, host: 76, tvSec: 340, tvUsec: 344 } as const;
const SIZE = { line: 32, user: 32, host: 256 } as const;
/** `ut_type` of a logged-in user's session. */
const USER_PROCESS = 7;

/** The users logged in according to a utmp file's bytes. Trailing partial records are ignored. */
export function parseUtmp(buf: Buffer): LoggedInUser[] {
  const users: LoggedInUser[] = [];
  for (let at = 0; at + UTMP_RECORD_SIZE <= buf.length; at += UTMP_RECORD_SIZE) {
    if (buf.readInt16LE(at + OFFSET.type) !== USER_PROCESS) continue;
    const user = cString(buf, at + OFFSET.user, SIZE.user);
    if (!user) continue;
    const seconds = buf.readInt32LE(at + OFFSET.tvSec);
    const micros = buf.readInt32LE(at + OFFSET.tvUsec);
    users.push({
      user: clip(user, 128),
      terminal: clipOrNull(cString(buf, at + OFFSET.line, SIZE.line) || null, 128),
      since: seconds > 0 ? seconds * 1000 + Math.floor(Math.max(0, micros) / 1000) : null,
      host: clipOrNull(cString(buf, at + OFFSET.host, SIZE.host) || null, 255),
    });
  }
  return users;
}

/** A fixed-size, NUL-padded (not necessarily NUL-terminated) char array. */
function cString(buf: Buffer, start: number, size: number): string {
  const field = buf.subarray(start, start + size);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? size : nul).toString('utf8');
}
