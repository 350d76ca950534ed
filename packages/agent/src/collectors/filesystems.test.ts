import { describe, expect, it } from 'vitest';
import { measureFilesystems, parseMounts, selectRealFilesystems } from './filesystems.js';

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
  });

  it('skips mounts already known to hang', async () => {
    const result = await measureFilesystems(
      [{ device: '/dev/root', mount: '/', fsType: 'ext4' }],
      new Set(['/']),
    );
    expect(result).toEqual([]);
  });
});
