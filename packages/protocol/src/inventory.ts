import { z } from 'zod';
import { EpochMs, Hostname, NonNeg } from './common.js';

export const OsInfo = z.object({
  /** `linux`, `win32`, `darwin`, … as Node's `process.platform` reports it. */
  platform: z.string().max(32),
  /** Human name, e.g. "Debian GNU/Linux" or "Windows 11 Pro". */
  name: z.string().max(200),
  version: z.string().max(100),
  kernel: z.string().max(200),
  arch: z.string().max(32),
});

export const CpuInfo = z.object({
  model: z.string().max(200),
  cores: z.number().int().nonnegative(),
  threads: z.number().int().nonnegative(),
  baseMhz: NonNeg.nullable(),
});

export const DiskInfo = z.object({
  device: z.string().max(200),
  model: z.string().max(200).nullable(),
  sizeBytes: NonNeg,
});

export const FilesystemInfo = z.object({
  mount: z.string().max(1024),
  fsType: z.string().max(64),
  device: z.string().max(1024),
  totalBytes: NonNeg,
});

export const NetworkInterfaceInfo = z.object({
  name: z.string().max(64),
  mac: z.string().max(64).nullable(),
  ipv4: z.array(z.string().max(64)).max(64),
  /** The IPv4 addresses with their prefix (`192.0.2.7/24`): which subnet each is on (wake-on-LAN senders). */
  ipv4Cidr: z.array(z.string().max(64)).max(64).optional(),
  ipv6: z.array(z.string().max(64)).max(64),
  up: z.boolean(),
  speedMbps: NonNeg.nullable(),
});

export const SystemInfo = z.object({
  manufacturer: z.string().max(200).nullable(),
  model: z.string().max(200).nullable(),
  serial: z.string().max(200).nullable(),
  biosVersion: z.string().max(200).nullable(),
});

export const LoggedInUser = z.object({
  user: z.string().max(128),
  terminal: z.string().max(128).nullable(),
  since: EpochMs.nullable(),
  host: z.string().max(255).nullable(),
});

/** What a computer is: sent by the agent on connect and whenever it changes. */
export const Inventory = z.object({
  hostname: Hostname,
  fqdn: z.string().max(253).nullable(),
  os: OsInfo,
  cpu: CpuInfo,
  memoryTotalBytes: NonNeg,
  disks: z.array(DiskInfo).max(256),
  filesystems: z.array(FilesystemInfo).max(256),
  network: z.array(NetworkInterfaceInfo).max(256),
  system: SystemInfo,
  bootTime: EpochMs,
  timezone: z.string().max(64),
  users: z.array(LoggedInUser).max(1024),
  agentVersion: z.string().max(64),
});
export type Inventory = z.infer<typeof Inventory>;
export type NetworkInterfaceInfo = z.infer<typeof NetworkInterfaceInfo>;
export type FilesystemInfo = z.infer<typeof FilesystemInfo>;
export type LoggedInUser = z.infer<typeof LoggedInUser>;
