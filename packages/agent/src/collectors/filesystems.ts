import { statfsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';

export interface MountEntry {
  readonly device: string;
  readonly mount: string;
  readonly fsType: string;
}

export interface FilesystemUsage extends MountEntry {
  readonly totalBytes: number;
  readonly usedBytes: number;
  /** 0 (and `inodesUsed` 0) where the filesystem has no inode table (btrfs reports 0, vfat none). */
  readonly inodesTotal: number;
  readonly inodesUsed: number;
}

/**
 * Parses /proc/self/mounts (`device mountpoint fstype options 0 0`). The
 * kernel escapes space, tab, newline and backslash in the first two fields as
 * octal (`\040`).
 */
export function parseMounts(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const [device, mount, fsType] = line.split(' ');
    if (!device || !mount || !fsType) continue;
    entries.push({ device: unescapeOctal(device), mount: unescapeOctal(mount), fsType });
  }
  return entries;
}

function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/** Kernel and memory filesystems: no disk space to report. */
const VIRTUAL_FS = new Set([
  'autofs',
  'binfmt_misc',
  'bpf',
  'cgroup',
  'cgroup2',
  'configfs',
  'debugfs',
  'devpts',
  'devtmpfs',
  'efivarfs',
  'fusectl',
  'hugetlbfs',
  'mqueue',
  'nsfs',
  'proc',
  'pstore',
  'ramfs',
  'rpc_pipefs',
  'securityfs',
  'selinuxfs',
  'sysfs',
  'tmpfs',
  'tracefs',
  'nfsd',
  'fuse.gvfsd-fuse',
  'fuse.portal',
  'fuse.lxcfs',
  'fuse.snapfuse',
  // Read-only images (snaps, live media): always "full", not real storage.
  'squashfs',
  'iso9660',
  'erofs',
]);

/** Network filesystems name a server, not a /dev path, as their device. */
const NETWORK_FS = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'ceph', 'glusterfs', 'fuse.sshfs']);

/**
 * Keeps filesystems that hold real data, one entry per device (bind mounts
 * and btrfs subvolumes repeat a device; the first mount wins). overlay is kept
 * only as the root filesystem (a container or live system); elsewhere it is a
 * container's internal layer.
 */
export function selectRealFilesystems(entries: readonly MountEntry[]): MountEntry[] {
  const seen = new Set<string>();
  const out: MountEntry[] = [];
  for (const entry of entries) {
    if (!isReal(entry) || seen.has(entry.device)) continue;
    seen.add(entry.device);
    out.push(entry);
  }
  return out;
}

function isReal({ device, mount, fsType }: MountEntry): boolean {
  if (VIRTUAL_FS.has(fsType)) return false;
  if (fsType === 'overlay') return mount === '/';
  if (NETWORK_FS.has(fsType) || fsType === 'zfs') return true;
  return device.startsWith('/');
}

/** The subset of `fs.StatFs` the usage figures need. */
export interface StatfsFigures {
  readonly bsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly files: number;
  readonly ffree: number;
}

/**
 * df's arithmetic: used = blocks − free (the root-reserved blocks count as
 * neither used nor available, as in `df`'s Size and Used columns), and
 * likewise for inodes (`df -i`).
 */
export function usageFromStatfs(s: StatfsFigures): Omit<FilesystemUsage, keyof MountEntry> {
  const inodesTotal = Math.max(s.files, 0);
  return {
    totalBytes: s.blocks * s.bsize,
    usedBytes: Math.max(0, (s.blocks - s.bfree) * s.bsize),
    inodesTotal,
    inodesUsed: inodesTotal > 0 ? Math.max(0, inodesTotal - Math.max(0, s.ffree)) : 0,
  };
}

/** A hung NFS server blocks statfs for minutes; a sample must not wait for it. */
const STATFS_TIMEOUT_MS = 2000;

/**
 * Filesystems whose statfs may wait on something other than this machine's
 * memory: a network server or a FUSE daemon. Local disk filesystems answer
 * statfs from in-memory superblock counters.
 */
export function mayHang({ fsType }: MountEntry): boolean {
  return NETWORK_FS.has(fsType) || fsType.startsWith('fuse');
}

/**
 * Measures each filesystem with statfs (df's arithmetic: used = blocks − free).
 * Local filesystems are measured synchronously: the call returns in about a
 * microsecond, while the thread-pool round trip of the asynchronous one costs
 * tens of microseconds of CPU per filesystem per sample. Those that may hang
 * go through the thread pool with a timeout; a mount that fails or times out
 * is left out of this sample, and one that timed out is remembered in `stuck`
 * and skipped from then on, since each hung call ties up one of libuv's four
 * threads.
 */
export async function measureFilesystems(
  entries: readonly MountEntry[],
  stuck: Set<string>,
): Promise<FilesystemUsage[]> {
  let anyAsync = false;
  const slots = entries.map((entry) => {
    if (stuck.has(entry.mount)) return null;
    if (!mayHang(entry)) return measureSync(entry);
    anyAsync = true;
    return measureAsync(entry, stuck);
  });
  // Most machines have no network mount: then no promise, timer or thread-pool trip at all.
  const results = anyAsync ? await Promise.all(slots) : slots.map((s) => (s instanceof Promise ? null : s));
  return results.filter((r): r is FilesystemUsage => r !== null && r.totalBytes > 0);
}

function measureSync(entry: MountEntry): FilesystemUsage | null {
  try {
    const usage = usageFromStatfs(statfsSync(entry.mount));
    // Fields named rather than spread: spreads go through a runtime call in the interpreter, every sample.
    return {
      device: entry.device,
      mount: entry.mount,
      fsType: entry.fsType,
      totalBytes: usage.totalBytes,
      usedBytes: usage.usedBytes,
      inodesTotal: usage.inodesTotal,
      inodesUsed: usage.inodesUsed,
    };
  } catch {
    return null;
  }
}

async function measureAsync(entry: MountEntry, stuck: Set<string>): Promise<FilesystemUsage | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STATFS_TIMEOUT_MS);
  });
  try {
    const stats = await Promise.race([statfs(entry.mount), timeout]);
    if (stats === 'timeout') {
      stuck.add(entry.mount);
      return null;
    }
    return { ...entry, ...usageFromStatfs(stats) };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
