import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Inventory, MetricSample } from '@labmgr/protocol';
import { AGENT_VERSION } from '../version.js';
import type { Collector } from './collector.js';
import { cpuMetrics, type ProcStat, parseProcStat } from './cpu.js';
import { type DiskCounters, diskRates, parseDiskstats, WholeDisks } from './disk-io.js';
import { type MountEntry, measureFilesystems, parseMounts, selectRealFilesystems } from './filesystems.js';
import { resolveFqdn } from './fqdn.js';
import { capList, clip } from './limits.js';
import { collectLinuxInventory, DEFAULT_LINUX_PATHS, type LinuxPaths } from './linux-inventory.js';
import { parseLoadavg, parseUptime } from './load.js';
import { LoggedInUsers } from './logged-in-users.js';
import { memoryMetrics, parseMeminfo, SAMPLE_MEMINFO_KEYS } from './memory.js';
import { monotonicMs } from './monotonic.js';
import { type NetCounters, networkRates, parseNetDev } from './network.js';
import { detectPageSize, type ProcessSnapshot, ProcessTable, WALK_CPU_SHARE } from './processes.js';
import { KeptFile, type ReadEnd } from './read.js';
import { TemperatureReader } from './temperatures.js';

export interface LinuxCollectorOptions {
  readonly paths?: Partial<LinuxPaths>;
  /** @default this package's version */
  readonly agentVersion?: string;
  /** Share of a core the process walk may use; 0 walks on every sample. @default WALK_CPU_SHARE */
  readonly processWalkCpuShare?: number;
}

/**
 * How each /proc file a sample reads ends (see ReadEnd): most are generated
 * in one piece; net/dev and diskstats lines stay under 512 bytes (a name and
 * at most 20 numbers).
 */
const READ_END: Readonly<Record<string, ReadEnd>> = {
  stat: 'single',
  meminfo: 'single',
  uptime: 'single',
  loadavg: 'single',
  'net/dev': 512,
  diskstats: 512,
};

/** How stale the mount table may be for a sample (a USB stick shows up within this). */
const MOUNTS_MAX_AGE_MS = 5000;

/** Counter readings kept from one sample to the next, to turn them into rates. */
interface Counters {
  readonly stat: ProcStat;
  readonly net: ReadonlyMap<string, NetCounters>;
  readonly disks: ReadonlyMap<string, DiskCounters>;
  /** `monotonicMs()`: rates use the monotonic clock, which NTP steps do not move. */
  readonly mono: number;
}

/**
 * Reads /proc and /sys directly, never through a child process: per sample
 * six kept-open /proc files, one statfs per filesystem and the temperature
 * inputs; every few seconds the mount table and logged-in users; one
 * /proc/[pid]/stat per process on each process walk (see WALK_CPU_SHARE).
 */
export class LinuxCollector implements Collector {
  private readonly stuckMounts = new Set<string>();
  private readonly wholeDisks: WholeDisks;
  private readonly temperatures: TemperatureReader;
  private readonly processes: ProcessTable;
  private readonly users: LoggedInUsers;
  private fqdn: Promise<string | null> | undefined;
  private prev: Counters;
  private mounts: { text: string; real: MountEntry[]; readAt: number } = {
    text: '',
    real: [],
    readAt: Number.NEGATIVE_INFINITY,
  };
  /** The files read every sample, kept open (see KeptFile). */
  private readonly files = new Map<string, KeptFile>();
  /** The process walk whose lists a sample last carried (the table returns the same object until it walks again). */
  private listsSent: ProcessSnapshot | null = null;

  private constructor(
    private readonly paths: LinuxPaths,
    private readonly agentVersion: string,
    walkCpuShare: number,
  ) {
    this.wholeDisks = new WholeDisks(paths.sysRoot);
    this.temperatures = new TemperatureReader(paths.sysRoot);
    this.processes = new ProcessTable(
      paths.procRoot,
      paths.etcRoot,
      detectPageSize(paths.procRoot),
      walkCpuShare,
    );
    this.users = new LoggedInUsers(paths.utmpPath, paths.logindSessionsDir);
    this.prev = this.readCounters();
    this.processes.sample(parseUptime(this.proc('uptime')), this.prev.mono);
  }

  /** Takes the first counter readings, so the first sample already has real rates. */
  static async create(options: LinuxCollectorOptions = {}): Promise<LinuxCollector> {
    return new LinuxCollector(
      { ...DEFAULT_LINUX_PATHS, ...options.paths },
      options.agentVersion ?? AGENT_VERSION,
      options.processWalkCpuShare ?? WALK_CPU_SHARE,
    );
  }

  async sample(withProcessLists = false): Promise<MetricSample> {
    const at = Date.now();
    const cur = this.readCounters();
    const elapsedMs = cur.mono - this.prev.mono;
    const uptimeSec = parseUptime(this.proc('uptime'));
    const processes = this.processes.sample(uptimeSec, cur.mono);
    const filesystems = await measureFilesystems(this.realMounts(cur.mono), this.stuckMounts);
    const isWholeDisk = this.wholeDisks.refresh(cur.disks.keys());
    const sample: MetricSample = {
      at,
      cpu: cpuMetrics(this.prev.stat, cur.stat),
      load: parseLoadavg(this.proc('loadavg')),
      memory: memoryMetrics(parseMeminfo(this.proc('meminfo'), SAMPLE_MEMINFO_KEYS)),
      filesystems: capList(
        filesystems.map((f) => ({
          mount: clip(f.mount, 1024),
          fsType: clip(f.fsType, 64),
          totalBytes: f.totalBytes,
          usedBytes: f.usedBytes,
          inodesTotal: f.inodesTotal,
          inodesUsed: f.inodesUsed,
        })),
        256,
      ),
      disks: capList(diskRates(this.prev.disks, cur.disks, elapsedMs, isWholeDisk), 256),
      network: capList(networkRates(this.prev.net, cur.net, elapsedMs), 256),
      temperatures: this.temperatures.read(cur.mono),
      uptimeSec,
      processCount: processes.count,
      loggedInUserCount: this.users.count(cur.mono),
    };
    if (withProcessLists || processes !== this.listsSent) {
      sample.topProcesses = { byCpu: [...processes.byCpu], byMemory: [...processes.byMemory] };
      this.listsSent = processes;
    }
    // A machine with more than 1024 CPUs: keep the lists aligned and within the protocol's caps.
    sample.cpu.perCore = capList(sample.cpu.perCore, 1024);
    sample.cpu.perCoreTimes = capList(sample.cpu.perCoreTimes, 1024);
    this.prev = cur;
    return sample;
  }

  async inventory(): Promise<Inventory> {
    // Resolved once: DNS answers may flap, and each change would re-send the inventory.
    this.fqdn ??= resolveFqdn(hostname());
    return collectLinuxInventory({
      paths: this.paths,
      agentVersion: this.agentVersion,
      fqdn: await this.fqdn,
      mounts: this.realMounts(monotonicMs(), 0),
      stuckMounts: this.stuckMounts,
      users: this.users.list(),
    });
  }

  private proc(name: string): string {
    let file = this.files.get(name);
    if (!file) {
      file = new KeptFile(join(this.paths.procRoot, name), READ_END[name] ?? 'unknown');
      this.files.set(name, file);
    }
    return file.read() ?? '';
  }

  private readCounters(): Counters {
    return {
      stat: parseProcStat(this.proc('stat')),
      net: parseNetDev(this.proc('net/dev')),
      disks: parseDiskstats(this.proc('diskstats')),
      mono: monotonicMs(),
    };
  }

  /**
   * The real filesystems, from a mount table at most `maxAgeMs` old: mounts
   * change rarely, and the table costs the kernel more to produce than any
   * other file a sample reads (a path lookup per mount), so samples re-read
   * it every few seconds and parse it again only when its text changed.
   * Meanwhile a new mount is missing, and a just-unmounted one fails statfs
   * or, if its directory stays, shows the parent filesystem's figures.
   */
  private realMounts(now: number, maxAgeMs = MOUNTS_MAX_AGE_MS): MountEntry[] {
    if (now - this.mounts.readAt < maxAgeMs) return this.mounts.real;
    // /proc/self/mounts, not /etc/mtab: always present and reflects this mount namespace.
    const text = this.proc('self/mounts');
    const real = text === this.mounts.text ? this.mounts.real : selectRealFilesystems(parseMounts(text));
    this.mounts = { text, real, readAt: now };
    return real;
  }
}
