import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileBudget, type PidStat, PidStatFiles, parsePidStat } from './pid-stat.js';
import { detectPageSize, MAX_WALK_INTERVAL_MS, ProcessTable, parseStatusUid } from './processes.js';
import { parsePasswd } from './user-names.js';

// Real lines: a process whose comm holds spaces and parentheses, and a kernel thread (rss 0).
const STAT_WEIRD =
  '4242 (my (odd) name) S 1 4242 4242 0 -1 4194304 100 0 0 0 150 50 0 0 20 0 1 0 364869 3133440 393 18446744073709551615 1 1 0 0';
const STAT_KTHREAD =
  '12 (kworker/0:1-events) I 2 0 0 0 -1 69238880 0 0 0 0 0 7 0 0 20 0 1 0 5 0 0 18446744073709551615 0 0';

function parse(line: string): (Omit<PidStat, 'nameStart' | 'nameEnd'> & { name: string }) | null {
  const buf = Buffer.from(line);
  const stat = parsePidStat(buf, buf.length);
  if (!stat) return null;
  const { nameStart, nameEnd, ...rest } = stat;
  return { name: buf.toString('utf8', nameStart, nameEnd), ...rest };
}

describe('parsePidStat', () => {
  it('takes comm between the first ( and the last ), then counts fields from there', () => {
    expect(parse(STAT_WEIRD)).toEqual({
      name: 'my (odd) name',
      ticks: 200,
      startTicks: 364869,
      rssPages: 393,
    });
    expect(parse(`${STAT_KTHREAD}\n`)).toEqual({
      name: 'kworker/0:1-events',
      ticks: 7,
      startTicks: 5,
      rssPages: 0,
    });
  });

  it('decodes a UTF-8 name', () => {
    const files = new PidStatFiles();
    const n = files.buf.write('7 (ünïcødé) S 1 1 1 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 9 0 3 0\n');
    const stat = parsePidStat(files.buf, n);
    expect(stat && files.name(stat)).toBe('ünïcødé');
  });

  it('rejects empty and truncated lines (a process that exited mid-read)', () => {
    expect(parse('')).toBeNull();
    expect(parse('1 (init) S 0 1 1 0 -1 4194560 10 0 0 0 5 6')).toBeNull();
    expect(parse('1 init S 0 1')).toBeNull();
  });
});

describe('openFileBudget', () => {
  it('keeps a quarter of the soft limit, at most 4096', () => {
    const limits = (soft: number) =>
      `Limit  Soft Limit  Hard Limit  Units\nMax open files            ${soft}                524288               files\n`;
    expect(openFileBudget(limits(1024))).toBe(256);
    expect(openFileBudget(limits(1_048_576))).toBe(4096);
    expect(openFileBudget(null)).toBe(256);
  });
});

describe('parseStatusUid and parsePasswd', () => {
  it('reads the effective uid, as ps shows it', () => {
    expect(
      parseStatusUid('Name:\tpasswd\nUmask:\t0022\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n'),
    ).toBe(0);
    expect(parseStatusUid('Name:\tx\n')).toBeNull();
  });

  it('maps uids to names, first entry wins, comments and junk skipped', () => {
    const names = parsePasswd(
      'root:x:0:0:root:/root:/bin/bash\n#x\nstudent:x:1000:1000::/home/s:/bin/sh\ntoor:x:0:0::/:/bin/sh\nbad\n',
    );
    expect([...names]).toEqual([
      [0, 'root'],
      [1000, 'student'],
    ]);
  });
});

describe('ProcessTable', () => {
  let root: string;
  const put = async (path: string, content: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  };
  /** A /proc/[pid]/stat line with the fields the table reads. */
  const stat = (pid: number, name: string, ticks: number, start: number, rss: number) =>
    `${pid} (${name}) S 1 1 1 0 -1 0 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 ${start} 1000 ${rss} 0 0 0\n`;
  const proc = async (pid: number, name: string, ticks: number, start: number, rss: number, uid = 1000) => {
    await put(`proc/${pid}/stat`, stat(pid, name, ticks, start, rss));
    await put(`proc/${pid}/status`, `Name:\t${name}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\n`);
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'labmgr-agent-proc-'));
    await put('etc/passwd', 'root:x:0:0::/root:/bin/sh\nstudent:x:1000:1000::/home/student:/bin/sh\n');
    await put('proc/meminfo', 'MemTotal: 1 kB\n');
  });
  const tables: ProcessTable[] = [];
  const table = (cpuShare = 0) => {
    // A budget of 0 walks on every call unless a test says otherwise.
    const t = new ProcessTable(join(root, 'proc'), join(root, 'etc'), 4096, cpuShare);
    tables.push(t);
    return t;
  };
  afterEach(async () => {
    for (const t of tables.splice(0)) t.close();
    await rm(root, { recursive: true, force: true });
  });

  it('ranks by CPU over the interval and by RSS, with owners, and counts every process', async () => {
    await proc(1, 'init', 500, 1, 3000, 0);
    await proc(200, 'firefox', 10_000, 100, 100_000);
    await proc(300, 'idle-daemon', 40, 150, 200, 4242);
    const procs = table();
    // Baseline at uptime 100 s: no rates yet.
    expect(procs.sample(100, 0)).toEqual({ count: 3, byCpu: [], byMemory: expect.any(Array) });

    // Two seconds later: firefox used 150 ticks (75 % of a core), init 2 ticks; a compiler
    // started after the previous walk (start 10_100 ticks = 101 s) and used 60 ticks; pid
    // 300's process exited and the number went to a new one (start 101.5 s, 30 ticks).
    await proc(1, 'init', 502, 1, 3000, 0);
    await proc(200, 'firefox', 10_150, 100, 100_000);
    await proc(400, 'cc1', 60, 10_100, 5000);
    await proc(300, 'reused', 30, 10_150, 10, 4242);
    const snap = procs.sample(102, 2000);
    expect(snap.count).toBe(4);
    expect(snap.byCpu).toEqual([
      { pid: 200, name: 'firefox', user: 'student', cpuPercent: 75, rssBytes: 100_000 * 4096 },
      { pid: 400, name: 'cc1', user: 'student', cpuPercent: 30, rssBytes: 5000 * 4096 },
      // A reused pid is a new process: all its CPU time fell within the interval.
      { pid: 300, name: 'reused', user: '4242', cpuPercent: 15, rssBytes: 10 * 4096 },
      { pid: 1, name: 'init', user: 'root', cpuPercent: 1, rssBytes: 3000 * 4096 },
    ]);
    expect(snap.byMemory.map((p) => p.pid)).toEqual([200, 400, 1, 300]);
  });

  it('keeps ten of each, largest first', async () => {
    for (let pid = 10; pid < 25; pid++) await proc(pid, `p${pid}`, 0, 1, pid);
    const procs = table();
    procs.sample(10, 0);
    for (let pid = 10; pid < 25; pid++) await proc(pid, `p${pid}`, pid, 1, pid);
    const snap = procs.sample(11, 1000);
    expect(snap.byCpu.map((p) => p.pid)).toEqual([24, 23, 22, 21, 20, 19, 18, 17, 16, 15]);
    expect(snap.byMemory.map((p) => p.pid)).toEqual([24, 23, 22, 21, 20, 19, 18, 17, 16, 15]);
  });

  it('walks again only once its CPU budget allows, repeating the last lists meanwhile', async () => {
    for (let pid = 1; pid <= 12; pid++) await proc(pid, `p${pid}`, 0, 1, pid * 100);
    // A tiny budget: every walk is "too costly", so the next one waits the maximum interval.
    const procs = table(1e-12);
    procs.sample(100, 0);
    // The baseline has no CPU figures, so the next call walks whatever the budget.
    const first = procs.sample(100, 0.001);
    await proc(1, 'p1', 300, 1, 100);
    await proc(99, 'newcomer', 60, 10_050, 50);
    expect(procs.sample(101, 1000)).toBe(first);
    expect(procs.sample(129, MAX_WALK_INTERVAL_MS - 1)).toBe(first);

    // 30 s after that walk: p1's 300 ticks and the newcomer's 60 are spread over those 30 s.
    const next = procs.sample(130, MAX_WALK_INTERVAL_MS + 0.001);
    expect(next.count).toBe(13);
    expect(next.byCpu.map((p) => [p.name, p.cpuPercent])).toEqual([
      ['p1', 10],
      ['newcomer', 2],
    ]);
  });

  it('skips a process that vanished between listing and reading', async () => {
    await put('proc/77/status', 'Uid:\t0\t0\t0\t0\n'); // no stat file
    expect(table().sample(1, 0)).toEqual({ count: 1, byCpu: [], byMemory: [] });
  });
});

describe('detectPageSize', () => {
  it('derives the page size from statm pages and status KiB, else assumes 4 KiB', async () => {
    const root = await mkdtemp(join(tmpdir(), 'labmgr-agent-page-'));
    try {
      await mkdir(join(root, 'self'));
      await writeFile(join(root, 'self', 'statm'), '100000 1000 500 10 0 2000 0\n');
      await writeFile(join(root, 'self', 'status'), 'Name:\tnode\nVmRSS:\t   64064 kB\n');
      expect(detectPageSize(root)).toBe(65536);
      await writeFile(join(root, 'self', 'status'), 'Name:\tnode\nVmRSS:\t    4000 kB\n');
      expect(detectPageSize(root)).toBe(4096);
      expect(detectPageSize(join(root, 'missing'))).toBe(4096);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
