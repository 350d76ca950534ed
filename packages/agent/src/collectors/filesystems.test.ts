import { describe, expect, it } from 'vitest';
import {
  mayHang,
  measureFilesystems,
  parseMounts,
  selectRealFilesystems,
  usageFromStatfs,
} from './filesystems.js';

// A desktop with snaps, a Docker container, a bind mount, NFS home dirs and a USB stick.
const MOUNTS = `sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
udev /dev devtmpfs rw,nosuid,relatime,size=8123456k,nr_inodes=2030864,mode=755 0 0
devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=000 0 0
tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=1631852k,mode=755 0 0
/dev/nvme0n1p2 / ext4 rw,relatime,errors=remount-ro 0 0
securityfs /sys/kernel/security securityfs rw,nosuid,nodev,noexec,relatime 0 0
cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0
/dev/loop0 /snap/core22/1380 squashfs ro,nodev,relatime,errors=continue 0 0
/dev/nvme0n1p1 /boot/efi vfat rw,relatime,fmask=0077,dmask=0077 0 0
/dev/nvme0n1p3 /home ext4 rw,relatime 0 0
/dev/nvme0n1p3 /srv/shared ext4 rw,relatime 0 0
overlay /var/lib/docker/overlay2/4f1e/merged overlay rw,relatime,lowerdir=/x,upperdir=/y,workdir=/z 0 0
fileserver:/export/home /mnt/nfs\\040home nfs4 rw,relatime,vers=4.2 0 0
/dev/sdb1 /media/student/USB\\040STICK vfat rw,nosuid,nodev,relatime 0 0
gvfsd-fuse /run/user/1000/gvfs fuse.gvfsd-fuse rw,nosuid,nodev,relatime 0 0
`;

describe('parseMounts', () => {
  it('decodes the octal escapes in device and mount point', () => {
    const entries = parseMounts(MOUNTS);
    expect(entries).toHaveLength(16);
    expect(entries.find((e) => e.fsType === 'nfs4')).toEqual({
      device: 'fileserver:/export/home',
      mount: '/mnt/nfs home',
      fsType: 'nfs4',
    });
  });
});

describe('selectRealFilesystems', () => {
  it('keeps disk and network filesystems, one per device', () => {
    expect(selectRealFilesystems(parseMounts(MOUNTS)).map((e) => e.mount)).toEqual([
      '/',
      '/boot/efi',
      '/home',
      '/mnt/nfs home',
      '/media/student/USB STICK',
    ]);
  });

  it('keeps an overlay root (container, live system) but not container layers', () => {
    const text = 'overlay / overlay rw 0 0\noverlay /var/lib/docker/x/merged overlay rw 0 0\n';
    expect(selectRealFilesystems(parseMounts(text)).map((e) => e.mount)).toEqual(['/']);
  });
});

describe('mayHang', () => {
  it('sends network and FUSE filesystems through the thread pool, local disks not', () => {
    const hangs = selectRealFilesystems(parseMounts(MOUNTS)).filter(mayHang);
    expect(hangs.map((e) => e.fsType)).toEqual(['nfs4']);
    expect(mayHang({ device: 'host:/', mount: '/mnt/x', fsType: 'fuse.sshfs' })).toBe(true);
  });
});

describe('usageFromStatfs', () => {
  it('computes sizes and inodes as df and df -i do', () => {
    // ext4, 4 KiB blocks; bavail (not used here) would be lower than bfree by the reserved blocks.
    expect(usageFromStatfs({ bsize: 4096, blocks: 1000, bfree: 400, files: 640, ffree: 600 })).toEqual({
      totalBytes: 4_096_000,
      usedBytes: 600 * 4096,
      inodesTotal: 640,
      inodesUsed: 40,
    });
  });

  it('reports 0 inodes where the filesystem has none (btrfs, vfat)', () => {
    expect(usageFromStatfs({ bsize: 4096, blocks: 10, bfree: 5, files: 0, ffree: 0 })).toMatchObject({
      inodesTotal: 0,
      inodesUsed: 0,
    });
  });
});

describe('measureFilesystems', () => {
  it('measures a real mount and leaves out one that cannot be measured', async () => {
    const result = await measureFilesystems(
      [
        { device: '/dev/root', mount: '/', fsType: 'ext4' },
        { device: '/dev/gone', mount: '/does/not/exist', fsType: 'ext4' },
      ],
      new Set(),
    );
    expect(result.map((r) => r.mount)).toEqual(['/']);
    expect(result[0]?.totalBytes).toBeGreaterThan(0);
    expect(result[0]?.usedBytes).toBeLessThanOrEqual(result[0]?.totalBytes ?? 0);
    expect(result[0]?.inodesUsed).toBeLessThanOrEqual(result[0]?.inodesTotal ?? 0);
  });

  it('measures a possibly hanging mount asynchronously', async () => {
    const [nfs] = await measureFilesystems([{ device: 'srv:/', mount: '/', fsType: 'nfs4' }], new Set());
    expect(nfs?.totalBytes).toBeGreaterThan(0);
  });

  it('skips mounts already known to hang', async () => {
    const result = await measureFilesystems(
      [{ device: '/dev/root', mount: '/', fsType: 'ext4' }],
      new Set(['/']),
    );
    expect(result).toEqual([]);
  });
});
