import { readFileSync, openSync, readSync, closeSync, readdirSync } from 'node:fs';
import { readText } from './packages/agent/src/collectors/read.js';
async function bench(name: string, fn: () => unknown, n = 5000) {
  for (let i = 0; i < 200; i++) await fn();
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const u = process.cpuUsage(u0);
  console.log(name.padEnd(30), ((u.user + u.system) / n).toFixed(2), 'µs', 'sys', (u.system / n).toFixed(2), 'wall', ((performance.now()-t0)*1000/n).toFixed(2));
}
const buf = Buffer.allocUnsafe(4096);
for (const f of ['/proc/1/stat', '/proc/stat', '/proc/meminfo', '/proc/net/dev']) {
  await bench('readText ' + f, () => readText(f));
  await bench('readFileSync utf8 ' + f, () => readFileSync(f, 'utf8'));
  await bench('readFileSync latin1 ' + f, () => readFileSync(f, 'latin1'));
}
await bench('raw open/read/close pid', () => { const fd = openSync('/proc/1/stat', 'r'); const n = readSync(fd, buf, 0, 4096, null); closeSync(fd); return n; });
await bench('readdir', () => readdirSync('/proc'));
