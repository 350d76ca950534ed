import { statfs } from 'node:fs/promises';
import {
  arch,
  type CpuInfo,
  cpus,
  freemem,
  hostname,
  loadavg,
  networkInterfaces,
  platform,
  release,
  totalmem,
  uptime,
  version,
} from 'node:os';
import { parse } from 'node:path';
import type { Inventory, MetricSample, NetworkInterfaceInfo } from '@labmgr/protocol';
import { AGENT_VERSION } from '../version.js';
import type { Collector } from './collector.js';
import { busyPercent, type CpuTimes } from './cpu.js';
import { resolveFqdn } from './fqdn.js';
import { capList, clip } from './limits.js';

/**
 * Fallback for platforms without a dedicated collector, built on Node's `os`
 * module only. UNTESTED on Windows and macOS: it compiles and runs on Linux,
 * but the figures there have not been checked against the native tools.
 * Known gaps: no swap, no network rates, no disks, no process count, no
 * logged-in users, only the filesystem holding the working directory.
 */
export class GenericCollector implements Collector {
  private prevCpus: CpuTimes[] = cpus().map(toTimes);
  /** Fixed at start: recomputing from uptime would wobble and look like an inventory change. */
  private readonly bootTime = Math.round(Date.now() - uptime() * 1000);
  private fqdn: Promise<string | null> | undefined;

  constructor(private readonly agentVersion: string = AGENT_VERSION) {}

  async sample(): Promise<MetricSample> {
    const now = cpus().map(toTimes);
    const perCore = now.map((cur, i) => busyPercent(this.prevCpus[i], cur));
    const total = busyPercent(sum(this.prevCpus), sum(now));
    this.prevCpus = now;
    const [a = 0, b = 0, c = 0] = loadavg();
    const memTotal = totalmem();
    const memFree = Math.min(memTotal, freemem());
    const root = await rootFilesystem();
    return {
      at: Date.now(),
      cpu: { percent: total, perCore: capList(perCore, 1024) },
      load: [a, b, c],
      memory: {
        totalBytes: memTotal,
        usedBytes: memTotal - memFree,
        availableBytes: memFree,
        swapTotalBytes: 0,
        swapUsedBytes: 0,
      },
      filesystems: root
        ? [{ mount: root.mount, fsType: 'unknown', totalBytes: root.totalBytes, usedBytes: root.usedBytes }]
        : [],
      network: [],
      uptimeSec: Math.max(0, uptime()),
      processCount: 0,
    };
  }

  async inventory(): Promise<Inventory> {
    const cpuList = cpus();
    const name = hostname() || 'localhost';
    this.fqdn ??= resolveFqdn(name);
    const root = await rootFilesystem();
    return {
      hostname: clip(name, 253),
      fqdn: await this.fqdn,
      os: {
        platform: clip(platform(), 32),
        name: clip(version(), 200),
        version: clip(release(), 100),
        kernel: clip(release(), 200),
        arch: clip(arch(), 32),
      },
      cpu: {
        model: clip(cpuList[0]?.model ?? 'unknown', 200),
        cores: cpuList.length,
        threads: cpuList.length,
        baseMhz: cpuList[0]?.speed || null,
      },
      memoryTotalBytes: totalmem(),
      disks: [],
      filesystems: root
        ? [{ mount: root.mount, fsType: 'unknown', device: root.mount, totalBytes: root.totalBytes }]
        : [],
      network: capList(interfaces(), 256),
      system: { manufacturer: null, model: null, serial: null, biosVersion: null },
      bootTime: this.bootTime,
      timezone: clip(Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC', 64),
      users: [],
      agentVersion: clip(this.agentVersion, 64),
    };
  }
}

function toTimes(cpu: CpuInfo): CpuTimes {
  const { user, nice, sys, idle, irq } = cpu.times;
  const total = user + nice + sys + idle + irq;
  return { busy: total - idle, total };
}

function sum(times: readonly CpuTimes[]): CpuTimes {
  return times.reduce((acc, t) => ({ busy: acc.busy + t.busy, total: acc.total + t.total }), {
    busy: 0,
    total: 0,
  });
}

async function rootFilesystem(): Promise<{ mount: string; totalBytes: number; usedBytes: number } | null> {
  const mount = parse(process.cwd()).root;
  try {
    const s = await statfs(mount);
    return {
      mount: clip(mount, 1024),
      totalBytes: s.blocks * s.bsize,
      usedBytes: Math.max(0, (s.blocks - s.bfree) * s.bsize),
    };
  } catch {
    return null;
  }
}

function interfaces(): NetworkInterfaceInfo[] {
  return Object.entries(networkInterfaces()).flatMap(([name, addrs = []]) => {
    if (addrs.every((a) => a.internal)) return [];
    const mac = addrs.find((a) => a.mac !== '00:00:00:00:00:00')?.mac ?? null;
    return [
      {
        name: clip(name, 64),
        mac,
        ipv4: capList(
          addrs.filter((a) => a.family === 'IPv4').map((a) => clip(a.address, 64)),
          64,
        ),
        ipv6: capList(
          addrs.filter((a) => a.family === 'IPv6').map((a) => clip(a.address, 64)),
          64,
        ),
        up: true,
        speedMbps: null,
      },
    ];
  });
}
