import { describe, expect, it } from 'vitest';
import { parseUtmp, UTMP_RECORD_SIZE } from './utmp.js';

interface Record {
  type: number;
  line?: string;
  user?: string;
  host?: string;
  sec?: number;
  usec?: number;
}

/** Builds one glibc x86_64 `struct utmp` the way login(1) writes it. */
function record(r: Record): Buffer {
  const buf = Buffer.alloc(UTMP_RECORD_SIZE);
  buf.writeInt16LE(r.type, 0);
  buf.writeInt32LE(1234, 4); // ut_pid
  buf.write(r.line ?? '', 8, 32, 'utf8');
  buf.write('id', 40, 4, 'utf8');
  buf.write(r.user ?? '', 44, 32, 'utf8');
  buf.write(r.host ?? '', 76, 256, 'utf8');
  buf.writeInt32LE(r.sec ?? 0, 340);
  buf.writeInt32LE(r.usec ?? 0, 344);
  return buf;
}

describe('parseUtmp', () => {
  it('returns USER_PROCESS records only, with terminal, login time and remote host', () => {
    const buf = Buffer.concat([
      record({ type: 2, user: 'reboot', line: '~', sec: 1_714_550_400 }), // BOOT_TIME
      record({ type: 6, user: 'LOGIN', line: 'tty1' }), // LOGIN_PROCESS
      record({ type: 7, user: 'student', line: 'tty2', sec: 1_714_550_500, usec: 250_000 }),
      record({ type: 7, user: 'admin', line: 'pts/0', host: '10.0.0.5', sec: 1_714_550_600 }),
      record({ type: 8, user: 'gone', line: 'pts/1' }), // DEAD_PROCESS
    ]);
    expect(parseUtmp(buf)).toEqual([
      { user: 'student', terminal: 'tty2', since: 1_714_550_500_250, host: null },
      { user: 'admin', terminal: 'pts/0', since: 1_714_550_600_000, host: '10.0.0.5' },
    ]);
  });

  it('reads a user name that fills its field with no terminating NUL', () => {
    const name = 'u'.repeat(32);
    expect(parseUtmp(record({ type: 7, user: name, line: 'tty3', sec: 1 }))[0]?.user).toBe(name);
  });

  it('ignores a trailing partial record and an empty file', () => {
    const buf = Buffer.concat([
      record({ type: 7, user: 'student', line: 'tty2', sec: 5 }),
      Buffer.alloc(100, 7),
    ]);
    expect(parseUtmp(buf)).toHaveLength(1);
    expect(parseUtmp(Buffer.alloc(0))).toEqual([]);
  });
});
