import { describe, expect, it } from 'vitest';
import { busyPercent, cpuMetrics, jiffies, parseProcStat, stateShares } from './cpu.js';

// Captured from a 4-thread Debian 12 machine, trimmed after `softirq`.
const STAT_T0 = `cpu  24282 120 4950 109793 526 0 128 23 0 0
cpu0 6000 30 1200 27500 100 0 30 5 0 0
cpu1 6100 30 1250 27400 150 0 32 6 0 0
cpu2 6082 30 1250 27443 126 0 33 6 0 0
cpu3 6100 30 1250 27450 150 0 33 6 0 0
intr 9128740 27 9 0 0 0 0 0 0 0 0 0 0 156 0 0 0
ctxt 14792318
btime 1714550400
processes 61539
procs_running 2
procs_blocked 0
softirq 4165394 1 1194512 14 76335 118014 0 13478 1459417 0 1303623
`;

// One second later: cpu0 fully busy, cpu1 idle, cpu2 half busy, cpu3 hot-unplugged.
const STAT_T1 = `cpu  24532 120 4950 109993 526 0 128 23 0 0
cpu0 6100 30 1200 27500 100 0 30 5 0 0
cpu1 6100 30 1250 27500 150 0 32 6 0 0
cpu2 6132 30 1250 27493 126 0 33 6 0 0
btime 1714550400
`;

describe('parseProcStat', () => {
  it('reads the total, every core and the boot time', () => {
    const stat = parseProcStat(STAT_T0);
    expect(stat.cores.size).toBe(4);
    expect(stat.bootTimeSec).toBe(1_714_550_400);
    // nice folds into user, irq and softirq into system; guest columns are already in user.
    expect(stat.total).toEqual({
      user: 24282 + 120,
      system: 4950 + 0 + 128,
      iowait: 526,
      idle: 109793,
      steal: 23,
      total: 24282 + 120 + 4950 + 109793 + 526 + 128 + 23,
    });
  });

  it('tolerates an empty or truncated file', () => {
    const zero = { user: 0, system: 0, iowait: 0, idle: 0, steal: 0, total: 0 };
    expect(parseProcStat('')).toEqual({ total: zero, cores: new Map(), bootTimeSec: null });
    expect(parseProcStat('cpu  1 2').total).toEqual({ ...zero, user: 3, total: 3 });
  });
});

describe('cpuMetrics', () => {
  it('computes the busy share since the previous reading, per core in core order', () => {
    const cpu = cpuMetrics(parseProcStat(STAT_T0), parseProcStat(STAT_T1));
    expect(cpu.percent).toBeCloseTo((250 / 450) * 100, 2);
    expect(cpu.perCore).toEqual([100, 0, 50]);
    // Total: 250 user ticks and 200 idle ticks out of 450.
    expect(cpu.times).toEqual({ user: 55.56, system: 0, iowait: 0, idle: 44.44, steal: 0 });
    expect(cpu.perCoreTimes).toEqual([
      { user: 100, system: 0, iowait: 0, idle: 0, steal: 0 },
      { user: 0, system: 0, iowait: 0, idle: 100, steal: 0 },
      { user: 50, system: 0, iowait: 0, idle: 50, steal: 0 },
    ]);
  });

  it('splits time by state, counting iowait as not busy and steal as busy', () => {
    const prev = jiffies(100, 100, 100, 100, 100);
    const cur = jiffies(110, 120, 130, 130, 110);
    expect(stateShares(prev, cur)).toEqual({ user: 10, system: 20, iowait: 30, idle: 30, steal: 10 });
    expect(busyPercent(prev, cur)).toBe(40);
  });

  it('reports 0 when no time passed, counters went backwards or a core is new', () => {
    const a = jiffies(5, 0, 0, 5, 0);
    expect(busyPercent(a, a)).toBe(0);
    expect(busyPercent(jiffies(50, 0, 0, 50, 0), jiffies(10, 0, 0, 190, 0))).toBe(0);
    expect(busyPercent(undefined, a)).toBe(0);
    expect(stateShares(undefined, a)).toEqual({ user: 0, system: 0, iowait: 0, idle: 100, steal: 0 });
    expect(stateShares(a, a).idle).toBe(100);
  });
});
