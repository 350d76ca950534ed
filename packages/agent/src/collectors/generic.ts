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
import { type CpuJiffies, cpuMetricsFrom, jiffies } from './cpu.js';
import { usageFromStatfs } from './filesystems.js';
import { resolveFqdn } from './fqdn.js';
import { capList, clip } from './limits.js';
import { addressLists } from './network-interfaces.js';

/**
 * Fallback for platforms without a dedicated collector, built on Node's `os`
 * module only. UNTESTED on Windows and macOS: it compiles and runs on Linux,
 * but the figures there have not been checked against the native tools.
 * Known gaps: no swap, no cached/buffers memory, no iowait or steal time
 * (`os.cpus()` has neither), no network or disk rates, no temperatures, no
 * process count or top processes, no logged-in users, only the filesystem
 * holding the working directory. A native Windows/macOS collector (the
 * `systeminformation` package is the usual route) would fill these.
 */
export class GenericCollector implements Collector {
  private prevCpus: CpuJiffies[] = cpus().map(toJiffies);
  /** Fixed at start: recomputing from uptime would wobble and look like an inventory change. */
  private readonly bootTime = Math.round(Date.now() - uptime() * 1000);
  private fqdn: Promise<string | null> | undefined;
  private listsSent = false;

  constructor(private readonly agentVersion: string = AGENT_VERSION) {}

  async sample(withProcessLists = false): Promise<MetricSample> {
    const now = cpus().map(toJiffies);
    const cpu = cpuMetricsFrom(
      sum(this.prevCpus),
      sum(now),
      now.map((cur, i) => [this.prevCpus[i], cur] as const),
    );
    this.prevCpus = now;
    const [a = 0, b = 0, c = 0] = loadavg();
    const memTotal = totalmem();
    const memFree = Math.min(memTotal, freemem());
    const root = await rootFilesystem();
    // No process lists here: empty ones once (and when asked), so a detail page shows an empty table.
    const lists = withProcessLists || !this.listsSent;
    this.listsSent = true;
    return {
      at: Date.now(),
      cpu: {
        ...cpu,
        perCore: capList(cpu.perCore, 1024),
        perCoreTimes: capList(cpu.perCoreTimes, 1024),
      },
      load: [a, b, c],
      memory: {
        totalBytes: memTotal,
        usedBytes: memTotal - memFree,
        availableBytes: memFree,
        cachedBytes: 0,
        buffersBytes: 0,
        swapTotalBytes: 0,
        swapUsedBytes: 0,
      },
      filesystems: root ? [{ ...root, fsType: 'unknown' }] : [],
      disks: [],
      network: [],
      temperatures: [],
      uptimeSec: Math.max(0, uptime()),
      processCount: 0,
      ...(lists ? { topProcesses: { byCpu: [], byMemory: [] } } : {}),
      loggedInUserCount: 0,
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

/** `os.cpus()` times are milliseconds; only their ratios matter. */
function toJiffies(cpu: CpuInfo): CpuJiffies {
  const { user, nice, sys, idle, irq } = cpu.times;
  return jiffies(user + nice, sys + irq, 0, idle, 0);
}

function sum(times: readonly CpuJiffies[]): CpuJiffies {
  return times.reduce(
    (acc, t) => jiffies(acc.user + t.user, acc.system + t.system, 0, acc.idle + t.idle, 0),
    jiffies(0, 0, 0, 0, 0),
  );
}

interface RootUsage {
  mount: string;
  totalBytes: number;
  usedBytes: number;
  inodesTotal: number;
  inodesUsed: number;
}

/** Windows reports no inode figures through statfs: they read 0 there. */
async function rootFilesystem(): Promise<RootUsage | null> {
  const mount = parse(process.cwd()).root;
  try {
    return { mount: clip(mount, 1024), ...usageFromStatfs(await statfs(mount)) };
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
        ...addressLists(addrs),
        up: true,
        speedMbps: null,
      },
    ];
  });
}
