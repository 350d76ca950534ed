import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggedInUser } from '@labmgr/protocol';
import { capList, clip, clipOrNull } from './limits.js';
import { monotonicMs } from './monotonic.js';
import { listDir, readText } from './read.js';
import { parseUtmp } from './utmp.js';

/**
 * Parses one systemd-logind session file (/run/systemd/sessions/<id>,
 * `KEY=value` lines; libsystemd's sd_session_* functions read the same
 * files). Returns null for sessions that are not a person's: greeters,
 * lock screens, `systemd --user` managers, background jobs, and sessions
 * closing down.
 */
export function parseLogindSession(text: string): LoggedInUser | null {
  const f = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !line.startsWith('#')) f.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const user = f.get('USER');
  if (!user || f.get('CLASS') !== 'user' || f.get('STATE') === 'closing') return null;
  const realtimeUs = Number(f.get('REALTIME'));
  return {
    user: clip(user, 128),
    terminal: clipOrNull(f.get('TTY') || f.get('SEAT') || f.get('DISPLAY') || null, 128),
    since: Number.isFinite(realtimeUs) && realtimeUs > 0 ? Math.floor(realtimeUs / 1000) : null,
    host: clipOrNull(f.get('REMOTE_HOST') || null, 255),
  };
}

export const USERS_MAX_AGE_MS = 5000;

/** Sessions are counted per person: one student with five terminals is one logged-in user. */
export function countDistinctUsers(users: readonly LoggedInUser[]): number {
  return new Set(users.map((u) => u.user)).size;
}

/**
 * Who is logged in, from utmp on x86 (its binary layout is only known here
 * for glibc x86; see utmp.ts), else from systemd-logind's session files
 * (other architectures, and distributions that no longer write utmp). The
 * list is re-read only when the file's or directory's mtime changes, and
 * that is checked at most every `maxAgeMs`, so most samples cost nothing.
 */
export class LoggedInUsers {
  private users: LoggedInUser[] = [];
  private key = '';
  private checkedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly utmpPath: string,
    private readonly sessionsDir: string,
    private readonly arch: string = process.arch,
  ) {}

  /** `now`: monotonic ms; `maxAgeMs` 0 always checks (the inventory). */
  list(now = monotonicMs(), maxAgeMs = 0): LoggedInUser[] {
    if (now - this.checkedAt < maxAgeMs) return this.users;
    this.checkedAt = now;
    const utmpKey = this.arch === 'x64' || this.arch === 'ia32' ? changeKey(this.utmpPath) : null;
    const useUtmp = utmpKey !== null;
    const key = useUtmp ? `utmp@${utmpKey}` : `logind@${changeKey(this.sessionsDir) ?? 'missing'}`;
    if (key !== this.key) {
      this.key = key;
      this.users = capList(useUtmp ? readUtmp(this.utmpPath) : readSessions(this.sessionsDir), 1024);
    }
    return this.users;
  }

  /** Distinct users; by default from a list at most USERS_MAX_AGE_MS old (a login shows up within that). */
  count(now = monotonicMs(), maxAgeMs = USERS_MAX_AGE_MS): number {
    return countDistinctUsers(this.list(now, maxAgeMs));
  }
}

/** mtime and size: logind replaces session files by rename, which updates the directory's mtime. */
function changeKey(path: string): string | null {
  try {
    // throwIfNoEntry: a missing utmp is the normal case on newer systems, and an exception per sample is costly.
    const s = statSync(path, { throwIfNoEntry: false });
    return s ? `${s.mtimeMs}:${s.size}` : null;
  } catch {
    return null;
  }
}

function readUtmp(path: string): LoggedInUser[] {
  try {
    // A regular file, but on tmpfs (/run) on every systemd distribution: a sync read does not wait on a disk.
    return parseUtmp(readFileSync(path));
  } catch {
    return [];
  }
}

function readSessions(dir: string): LoggedInUser[] {
  return listDir(dir)
    .filter((name) => !name.endsWith('.ref'))
    .flatMap((name) => {
      const session = parseLogindSession(readText(join(dir, name)) ?? '');
      return session ? [session] : [];
    })
    .sort((a, b) => (a.since ?? 0) - (b.since ?? 0));
}
