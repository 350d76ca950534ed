import { statfs } from 'node:fs/promises';

export interface MountEntry {
  readonly device: string;
  readonly mount: string;
  readonly fsType: string;
}

export interface FilesystemUsage extends MountEntry {
  readonly totalBytes: number;
  readonly usedBytes: number;
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

/** A hung NFS server blocks statfs for minutes; a sample must not wait for it. */
const STATFS_TIMEOUT_MS = 2000;

/**
 * Measures each filesystem with statfs (df's arithmetic: used = blocks − free).
 * A mount that fails or times out is left out of this sample; one that timed
 * out is remembered in `stuck` and skipped from then on, since each hung call
 * ties up one of libuv's four threads.
 */
export async function measureFilesystems(
  entries: readonly MountEntry[],
  stuck: Set<string>,
): Promise<FilesystemUsage[]> {
  const results = await Promise.all(
    entries.map(async (entry): Promise<FilesystemUsage | null> => {
      if (stuck.has(entry.mount)) return null;
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
        const totalBytes = stats.blocks * stats.bsize;
        const usedBytes = Math.max(0, (stats.blocks - stats.bfree) * stats.bsize);
        return { ...entry, totalBytes, usedBytes };
      } catch {
        return null;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return results.filter((r): r is FilesystemUsage => r !== null && r.totalBytes > 0);
}
