import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Inventory, MetricSample } from '@labmgr/protocol';
import { AGENT_VERSION } from '../version.js';
import type { Collector } from './collector.js';
import { cpuMetrics, type ProcStat, parseProcStat } from './cpu.js';
import { type MountEntry, measureFilesystems, parseMounts, selectRealFilesystems } from './filesystems.js';
import { resolveFqdn } from './fqdn.js';
import { capList, clip } from './limits.js';
import { collectLinuxInventory, DEFAULT_LINUX_PATHS, type LinuxPaths } from './linux-inventory.js';
import { parseLoadavg, parseUptime } from './load.js';
import { memoryMetrics, parseMeminfo } from './memory.js';
import { type NetCounters, networkRates, parseNetDev } from './network.js';
import { countProcesses } from './processes.js';
import { readText } from './read.js';

export interface LinuxCollectorOptions {
  readonly paths?: Partial<LinuxPaths>;
  /** @default this package's version */
  readonly agentVersion?: string;
}

/**
 * Reads /proc and /sys directly: a handful of small in-memory files per
 * sample and no child processes, to stay within the agent's CPU budget.
 */
export class LinuxCollector implements Collector {
  private readonly stuckMounts = new Set<string>();
  private fqdn: Promise<string | null> | undefined;

  private constructor(
    private readonly paths: LinuxPaths,
    private readonly agentVersion: string,
    private prevStat: ProcStat,
    private prevNet: ReadonlyMap<string, NetCounters>,
    private prevAt: number,
  ) {}

  /** Takes the first counter readings, so the first sample already has real rates. */
  static async create(options: LinuxCollectorOptions = {}): Promise<LinuxCollector> {
    const paths = { ...DEFAULT_LINUX_PATHS, ...options.paths };
    return new LinuxCollector(
      paths,
      options.agentVersion ?? AGENT_VERSION,
      parseProcStat(readText(join(paths.procRoot, 'stat')) ?? ''),
      parseNetDev(readText(join(paths.procRoot, 'net', 'dev')) ?? ''),
      Date.now(),
    );
  }

  async sample(): Promise<MetricSample> {
    const proc = (name: string) => readText(join(this.paths.procRoot, name)) ?? '';
    const at = Date.now();
    const cur = parseProcStat(proc('stat'));
    const net = parseNetDev(proc('net/dev'));
    const memory = memoryMetrics(parseMeminfo(proc('meminfo')));
    const load = parseLoadavg(proc('loadavg'));
    const uptimeSec = parseUptime(proc('uptime'));
    const processCount = countProcesses(this.paths.procRoot);
    const filesystems = await measureFilesystems(this.realMounts(), this.stuckMounts);
    const cpu = cpuMetrics(this.prevStat, cur);
    const sample: MetricSample = {
      at,
      cpu: { percent: cpu.percent, perCore: capList(cpu.perCore, 1024) },
      load,
      memory,
      filesystems: capList(
        filesystems.map((f) => ({
          mount: clip(f.mount, 1024),
          fsType: clip(f.fsType, 64),
          totalBytes: f.totalBytes,
          usedBytes: f.usedBytes,
        })),
        256,
      ),
      network: capList(networkRates(this.prevNet, net, at - this.prevAt), 256),
      uptimeSec,
      processCount,
    };
    this.prevStat = cur;
    this.prevNet = net;
    this.prevAt = at;
    return sample;
  }

  async inventory(): Promise<Inventory> {
    // Resolved once: DNS answers may flap, and each change would re-send the inventory.
    this.fqdn ??= resolveFqdn(hostname());
    return collectLinuxInventory({
      paths: this.paths,
      agentVersion: this.agentVersion,
      fqdn: await this.fqdn,
      mounts: this.realMounts(),
      stuckMounts: this.stuckMounts,
    });
  }

  private realMounts(): MountEntry[] {
    // /proc/self/mounts, not /etc/mtab: always present and reflects this mount namespace.
    return selectRealFilesystems(parseMounts(readText(join(this.paths.procRoot, 'self', 'mounts')) ?? ''));
  }
}
