import { arch, cpus, hostname, release, totalmem, uptime } from 'node:os';
import { join } from 'node:path';
import type { Inventory, LoggedInUser } from '@labmgr/protocol';
import { parseProcStat } from './cpu.js';
import { parseCpuinfo } from './cpuinfo.js';
import { readDisks } from './disks.js';
import { readSystemInfo } from './dmi.js';
import { type MountEntry, measureFilesystems } from './filesystems.js';
import { capList, clip } from './limits.js';
import { parseMeminfo } from './memory.js';
import { readNetworkInterfaces } from './network-interfaces.js';
import { osNameAndVersion, parseOsRelease } from './os-release.js';
import { readText, readValue, toInt } from './read.js';
import { readTimezone } from './timezone.js';

/** Where the Linux collector reads from; overridable so tests can point at fixtures. */
export interface LinuxPaths {
  readonly procRoot: string;
  readonly sysRoot: string;
  readonly etcRoot: string;
  readonly utmpPath: string;
  /** systemd-logind's session files: the logged-in users where utmp is missing or unreadable here. */
  readonly logindSessionsDir: string;
}

export const DEFAULT_LINUX_PATHS: LinuxPaths = {
  procRoot: '/proc',
  sysRoot: '/sys',
  etcRoot: '/etc',
  utmpPath: '/var/run/utmp',
  logindSessionsDir: '/run/systemd/sessions',
};

export interface InventoryInputs {
  readonly paths: LinuxPaths;
  readonly agentVersion: string;
  readonly fqdn: string | null;
  /** Real filesystems currently mounted (shared with sampling). */
  readonly mounts: readonly MountEntry[];
  readonly stuckMounts: Set<string>;
  /** Logged-in users (shared with sampling, which counts them). */
  readonly users: readonly LoggedInUser[];
}

/** The full inventory of a Linux machine; everything unreadable degrades to null or empty. */
export async function collectLinuxInventory(inputs: InventoryInputs): Promise<Inventory> {
  const { paths } = inputs;
  const proc = (name: string) => readText(join(paths.procRoot, name)) ?? '';
  const filesystems = await measureFilesystems(inputs.mounts, inputs.stuckMounts);
  const osRelease = readText(join(paths.etcRoot, 'os-release')) ?? readText('/usr/lib/os-release') ?? '';
  const cpuinfo = proc('cpuinfo');
  const meminfo = proc('meminfo');
  const stat = proc('stat');
  const disks = readDisks(paths.sysRoot);
  const network = readNetworkInterfaces(paths.sysRoot);
  const system = readSystemInfo(paths.sysRoot);
  const baseMhz = readBaseMhz(paths.sysRoot);
  const os = osNameAndVersion(parseOsRelease(osRelease));
  const cpu = parseCpuinfo(cpuinfo);
  const btime = parseProcStat(stat).bootTimeSec;
  return {
    hostname: clip(hostname() || 'localhost', 253),
    fqdn: inputs.fqdn,
    os: {
      platform: 'linux',
      name: clip(os.name, 200),
      version: clip(os.version, 100),
      kernel: clip(release(), 200),
      arch: clip(arch(), 32),
    },
    cpu: {
      model: clip(cpu.model ?? cpus()[0]?.model ?? 'unknown', 200),
      cores: cpu.cores,
      threads: cpu.threads,
      baseMhz: baseMhz ?? cpu.modelMhz,
    },
    memoryTotalBytes: parseMeminfo(meminfo).get('MemTotal') ?? totalmem(),
    disks: capList(disks, 256),
    filesystems: capList(
      filesystems.map((f) => ({
        mount: clip(f.mount, 1024),
        fsType: clip(f.fsType, 64),
        device: clip(f.device, 1024),
        totalBytes: f.totalBytes,
      })),
      256,
    ),
    network: capList(network, 256),
    system,
    // btime is exact; the uptime fallback is rounded so it does not change the inventory each check.
    bootTime: btime !== null ? btime * 1000 : Math.round((Date.now() - uptime() * 1000) / 10_000) * 10_000,
    timezone: readTimezone(paths.etcRoot),
    users: capList(inputs.users, 1024),
    agentVersion: clip(inputs.agentVersion, 64),
  };
}

/** Rated CPU speed: Intel's base_frequency, else the cpufreq maximum (both in kHz). */
function readBaseMhz(sysRoot: string): number | null {
  const dir = join(sysRoot, 'devices', 'system', 'cpu', 'cpu0', 'cpufreq');
  for (const file of ['base_frequency', 'cpuinfo_max_freq']) {
    const khz = toInt(readValue(join(dir, file)));
    if (khz !== null && khz > 0) return Math.round(khz / 1000);
  }
  return null;
}
