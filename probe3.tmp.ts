import { openSync, readSync, closeSync, readdirSync } from 'node:fs';
async function bench(name: string, fn: () => unknown, n = 200) {
  for (let i = 0; i < 20; i++) await fn();
  const u0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn();
  const u = process.cpuUsage(u0);
  console.log(name.padEnd(30), ((u.user + u.system) / n).toFixed(2), 'µs', 'sys', (u.system / n).toFixed(2));
}
const pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
const buf = Buffer.allocUnsafe(4096);
console.log(pids.length, 'pids');
await bench('open/read/close all', () => { for (const p of pids) { try { const fd = openSync(`/proc/${p}/stat`, 'r'); readSync(fd, buf, 0, 4096, null); closeSync(fd);} catch {} } });
const fds = pids.map((p) => { try { return openSync(`/proc/${p}/stat`, 'r'); } catch { return -1; } });
await bench('pread all', () => { for (const fd of fds) { if (fd >= 0) try { readSync(fd, buf, 0, 4096, 0); } catch {} } });
await bench('pread all + decode', () => { for (const fd of fds) { if (fd >= 0) try { const n = readSync(fd, buf, 0, 4096, 0); buf.toString('latin1', 0, n);} catch {} } });
await bench('pread all + decode utf8', () => { for (const fd of fds) { if (fd >= 0) try { const n = readSync(fd, buf, 0, 4096, 0); buf.toString('utf8', 0, n);} catch {} } });
