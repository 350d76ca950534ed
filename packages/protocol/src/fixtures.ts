import type { ShellCommand } from './commands.js';
import type { Inventory } from './inventory.js';
import type { MetricSample } from './metrics.js';
import { PROTOCOL_VERSION } from './version.js';

/**
 * Shared examples of valid and invalid wire data. Every package's tests use
 * these, so a schema change shows up everywhere at once.
 */
export const fixtures = {
  inventory(): Inventory {
    return {
      hostname: 'lab1-pc01',
      fqdn: 'lab1-pc01.example.edu',
      os: {
        platform: 'linux',
        name: 'Debian GNU/Linux',
        version: '12',
        kernel: '6.1.0-18-amd64',
        arch: 'x64',
      },
      cpu: { model: 'Intel(R) Core(TM) i5-10500', cores: 6, threads: 12, baseMhz: 3100 },
      memoryTotalBytes: 16 * 1024 ** 3,
      disks: [{ device: 'nvme0n1', model: 'Samsung SSD 980', sizeBytes: 512e9 }],
      filesystems: [{ mount: '/', fsType: 'ext4', device: '/dev/nvme0n1p2', totalBytes: 480e9 }],
      network: [
        {
          name: 'eth0',
          mac: '52:54:00:12:34:56',
          ipv4: ['10.0.0.21'],
          ipv6: ['fe80::1'],
          up: true,
          speedMbps: 1000,
        },
      ],
      system: { manufacturer: 'Dell Inc.', model: 'OptiPlex 7080', serial: 'ABC1234', biosVersion: '1.2.3' },
      bootTime: 1_700_000_000_000,
      timezone: 'Europe/Berlin',
      users: [{ user: 'student', terminal: 'tty2', since: 1_700_000_100_000, host: null }],
      agentVersion: '0.1.0',
    };
  },
  sample(at = 1_700_000_200_000, cpuPercent = 12.5): MetricSample {
    const times = {
      user: cpuPercent * 0.7,
      system: cpuPercent * 0.3,
      iowait: 0,
      idle: 100 - cpuPercent,
      steal: 0,
    };
    return {
      at,
      cpu: { percent: cpuPercent, perCore: [cpuPercent, cpuPercent], times, perCoreTimes: [times, times] },
      load: [0.5, 0.4, 0.3],
      memory: {
        totalBytes: 16 * 1024 ** 3,
        usedBytes: 6 * 1024 ** 3,
        availableBytes: 10 * 1024 ** 3,
        cachedBytes: 3 * 1024 ** 3,
        buffersBytes: 200 * 1024 ** 2,
        swapTotalBytes: 2 * 1024 ** 3,
        swapUsedBytes: 0,
      },
      filesystems: [
        {
          mount: '/',
          fsType: 'ext4',
          totalBytes: 480e9,
          usedBytes: 120e9,
          inodesTotal: 30e6,
          inodesUsed: 1e6,
        },
      ],
      disks: [
        {
          device: 'nvme0n1',
          readBytesPerSec: 4096,
          writeBytesPerSec: 81920,
          readsPerSec: 1,
          writesPerSec: 12,
        },
      ],
      network: [
        {
          iface: 'eth0',
          rxBytesPerSec: 1200,
          txBytesPerSec: 800,
          rxPacketsPerSec: 10,
          txPacketsPerSec: 8,
          rxErrors: 0,
          txErrors: 0,
          rxDrops: 0,
          txDrops: 0,
        },
      ],
      temperatures: [{ sensor: 'coretemp', label: 'Package id 0', celsius: 48 }],
      uptimeSec: 3600,
      processCount: 210,
      topProcesses: {
        byCpu: [{ pid: 1234, name: 'firefox', user: 'student', cpuPercent: 8.5, rssBytes: 512 * 1024 ** 2 }],
        byMemory: [
          { pid: 1234, name: 'firefox', user: 'student', cpuPercent: 8.5, rssBytes: 512 * 1024 ** 2 },
        ],
      },
      loggedInUserCount: 1,
    };
  },
  /** An unsigned shell command; tests sign it with their own key. */
  command(overrides: Partial<ShellCommand> = {}): ShellCommand {
    return {
      id: '0b8f8f3a-3f6e-4c55-9d8e-0a1b2c3d4e5f',
      computerId: '6c3f2a1e-1b2c-4d5e-8f90-1234567890ab',
      kind: 'shell',
      shell: 'sh',
      script: 'echo hi',
      timeoutSec: 30,
      runAs: null,
      issuedAt: 1,
      expiresAt: 2,
      ...overrides,
    };
  },
  hello() {
    return {
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: '0.1.0',
      hostname: 'lab1-pc01',
    } as const;
  },
  /** Frames every receiver must reject, each with why. */
  invalidAgentFrames: [
    ['not JSON', '{"type":"hello",'],
    ['unknown type', JSON.stringify({ type: 'launch-missiles' })],
    ['no type', JSON.stringify({ seq: 1 })],
    ['negative seq', JSON.stringify({ type: 'metrics', seq: -1, sample: {} })],
    ['cpu over 100 %', JSON.stringify({ type: 'metrics', seq: 1, sample: { at: 1, cpu: { percent: 250 } } })],
    [
      'hostname too long',
      JSON.stringify({ type: 'hello', protocolVersion: 1, agentVersion: '1', hostname: 'x'.repeat(300) }),
    ],
    ['array instead of object', '[1,2,3]'],
  ] as const satisfies ReadonlyArray<readonly [string, string]>,
};
