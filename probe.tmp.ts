import { readFileSync, statfsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { parseProcStat } from './packages/agent/src/collectors/cpu.js';
import { parseDiskstats } from './packages/agent/src/collectors/disk-io.js';
import { measureFilesystems, parseMounts, selectRealFilesystems } from './packages/agent/src/collectors/filesystems.js';
import { parseMeminfo, memoryMetrics } from './packages/agent/src/collectors/memory.js';
import { parseNetDev } from './packages/agent/src/collectors/network.js';
import { ProcessTable } from './packages/agent/src/collectors/processes.js';
import { readText, listDir } from './packages/agent/src/collectors/read.js';
import { LoggedInUsers } from './packages/agent/src/collectors/logged-in-users.js';

async function bench(name: string, fn: () => unknown, n = 2000) {
  for (let i = 0; i < 100; i++) await fn();
  const u0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn();
  const u = process.cpuUsage(u0);
  console.log(name.padEnd(30), ((u.user + u.system) / n).toFixed(1), 'µs', 'sys', (u.system / n).toFixed(1));
}
await bench('readText stat', () => readText('/proc/stat'));
await bench('readFileSync stat', () => readFileSync('/proc/stat', 'utf8'));
await bench('parse stat', () => parseProcStat(readText('/proc/stat') ?? ''));
await bench('net/dev', () => parseNetDev(readText('/proc/net/dev') ?? ''));
await bench('diskstats', () => parseDiskstats(readText('/proc/diskstats') ?? ''));
await bench('meminfo', () => memoryMetrics(parseMeminfo(readText('/proc/meminfo') ?? '')));
await bench('loadavg', () => readText('/proc/loadavg'));
await bench('mounts', () => selectRealFilesystems(parseMounts(readText('/proc/self/mounts') ?? '')));
const m = selectRealFilesystems(parseMounts(readText('/proc/self/mounts') ?? ''));
await bench('measureFilesystems', () => measureFilesystems(m, new Set()));
await bench('statfs async', () => statfs('/'));
await bench('statfsSync', () => statfsSync('/'));
await bench('readdir /proc', () => listDir('/proc'));
await bench('read 1 pid stat', () => readText('/proc/1/stat'));
await bench('readFileSync 1 pid stat', () => readFileSync('/proc/1/stat'));
const t = new ProcessTable('/proc', '/etc', 4096);
let up = 100;
await bench('ProcessTable.sample', () => t.sample((up += 1), 1000), 500);
const u = new LoggedInUsers('/var/run/utmp', '/run/systemd/sessions');
await bench('users.count', () => u.count());
