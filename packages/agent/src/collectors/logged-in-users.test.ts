import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  countDistinctUsers,
  LoggedInUsers,
  parseLogindSession,
  USERS_MAX_AGE_MS,
} from './logged-in-users.js';
import { UTMP_RECORD_SIZE } from './utmp.js';

// /run/systemd/sessions/3 of a graphical login on Debian 12 (trimmed).
const GRAPHICAL = `# This is private data. Do not parse.
UID=1000
USER=student
ACTIVE=1
IS_DISPLAY=1
STATE=active
REMOTE=0
TYPE=wayland
CLASS=user
SCOPE=session-3.scope
SEAT=seat0
VTNR=2
TTY=tty2
SERVICE=gdm-password
REALTIME=1714550400123456
MONOTONIC=40123456
`;
const SSH = `UID=0\nUSER=root\nSTATE=online\nREMOTE=1\nTYPE=tty\nCLASS=user\nREMOTE_HOST=10.0.0.5\nSERVICE=sshd\nREALTIME=1714550500000000\n`;
const GREETER = `UID=117\nUSER=gdm\nSTATE=online\nTYPE=wayland\nCLASS=greeter\nSEAT=seat0\nREALTIME=1714550300000000\n`;

describe('parseLogindSession', () => {
  it('reads user, terminal, start time and remote host', () => {
    expect(parseLogindSession(GRAPHICAL)).toEqual({
      user: 'student',
      terminal: 'tty2',
      since: 1_714_550_400_123,
      host: null,
    });
    expect(parseLogindSession(SSH)).toEqual({
      user: 'root',
      terminal: null,
      since: 1_714_550_500_000,
      host: '10.0.0.5',
    });
  });

  it('ignores sessions that are not a person at the machine', () => {
    expect(parseLogindSession(GREETER)).toBeNull();
    expect(parseLogindSession(GRAPHICAL.replace('STATE=active', 'STATE=closing'))).toBeNull();
    expect(parseLogindSession(GRAPHICAL.replace('CLASS=user', 'CLASS=manager'))).toBeNull();
    expect(parseLogindSession('')).toBeNull();
  });
});

describe('LoggedInUsers', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'labmgr-agent-users-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('falls back to logind sessions without utmp, counts people not sessions, re-reads on change', async () => {
    const sessions = join(dir, 'sessions');
    await mkdir(sessions);
    await writeFile(join(sessions, '3'), GRAPHICAL);
    await writeFile(join(sessions, '3.ref'), '');
    await writeFile(join(sessions, '4'), GRAPHICAL.replace('TTY=tty2', 'TTY=pts/0'));
    await writeFile(join(sessions, 'c1'), GREETER);
    const users = new LoggedInUsers(join(dir, 'no-utmp'), sessions, 'x64');
    expect(users.list(0)).toHaveLength(2);
    expect(users.count(0)).toBe(1);

    await writeFile(join(sessions, '5'), SSH);
    // New entry: the directory's mtime moves (forced here, as file systems may round it).
    await utimes(sessions, new Date(), new Date(Date.now() + 5000));
    // Samples look again only every USERS_MAX_AGE_MS; the inventory (max age 0) at once.
    expect(users.count(USERS_MAX_AGE_MS - 1)).toBe(1);
    expect(users.count(USERS_MAX_AGE_MS)).toBe(2);
  });

  it('prefers utmp on x86 and ignores it elsewhere (unknown record layout)', async () => {
    const utmp = join(dir, 'utmp');
    const record = Buffer.alloc(UTMP_RECORD_SIZE);
    record.writeInt16LE(7, 0);
    record.write('tty1', 8, 'utf8');
    record.write('teacher', 44, 'utf8');
    record.writeInt32LE(1_714_550_000, 340);
    await writeFile(utmp, record);
    expect(new LoggedInUsers(utmp, join(dir, 'none'), 'x64').list()).toEqual([
      { user: 'teacher', terminal: 'tty1', since: 1_714_550_000_000, host: null },
    ]);
    expect(new LoggedInUsers(utmp, join(dir, 'none'), 'arm64').list()).toEqual([]);
  });

  it('counts distinct user names', () => {
    const u = (user: string) => ({ user, terminal: null, since: null, host: null });
    expect(countDistinctUsers([u('a'), u('b'), u('a')])).toBe(2);
  });
});
