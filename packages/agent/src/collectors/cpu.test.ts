import { describe, expect, it } from 'vitest';
import { busyPercent, cpuMetrics, parseProcStat } from './cpu.js';

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
    // busy = user + nice + system + irq + softirq + steal; idle and iowait are not busy.
    expect(stat.total).toEqual({
      busy: 24282 + 120 + 4950 + 128 + 23,
      total: 24282 + 120 + 4950 + 109793 + 526 + 128 + 23,
    });
  });

  it('tolerates an empty or truncated file', () => {
    expect(parseProcStat('')).toEqual({ total: { busy: 0, total: 0 }, cores: new Map(), bootTimeSec: null });
    expect(parseProcStat('cpu  1 2').total).toEqual({ busy: 3, total: 3 });
  });
});

describe('cpuMetrics', () => {
  it('computes the busy share since the previous reading, per core in core order', () => {
    const cpu = cpuMetrics(parseProcStat(STAT_T0), parseProcStat(STAT_T1));
    expect(cpu.percent).toBeCloseTo((250 / 450) * 100, 2);
    expect(cpu.perCore).toEqual([100, 0, 50]);
  });

  it('reports 0 when no time passed, counters went backwards or a core is new', () => {
    expect(busyPercent({ busy: 5, total: 10 }, { busy: 5, total: 10 })).toBe(0);
    expect(busyPercent({ busy: 50, total: 100 }, { busy: 10, total: 200 })).toBe(0);
    expect(busyPercent(undefined, { busy: 5, total: 10 })).toBe(0);
  });
});
