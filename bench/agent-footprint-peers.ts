/**
 * The processes the footprint benchmark runs beside the agent, each started
 * as it would run as a service (no terminal, output discarded): collectd,
 * the peer the agent's CPU target is judged against, with a config of its
 * own; optionally prometheus-node-exporter and Glances.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A process the benchmark starts and stops (the harness's Proc runs Node scripts only). */
export class Spawned {
  readonly child: ChildProcess;
  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: { cwd?: string } = {},
  ) {
    this.child = spawn(command, args, { stdio: 'ignore', ...options });
  }
  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.child.pid;
  }
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  async stop(): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

export const COLLECTD_BIN = '/usr/sbin/collectd';
/** collectd-core: the daemon and its plugins without the recommended libraries (one package here). */
export const COLLECTD_PACKAGE = 'collectd-core';

/** The filesystems the agent skips (collectors/filesystems.ts VIRTUAL_FS), skipped by collectd's df too. */
const VIRTUAL_FS = [
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
  'squashfs',
  'iso9660',
];

/**
 * A collectd config reading what the agent's sample holds of these plugins,
 * every second: cpu (per core, as percentages, like the agent), memory, df
 * (real filesystems, with inodes), disk, interface (without loopback, like
 * the agent), load. With `csv` the values are written to files in `dir`
 * (rates, like the agent's): collectd stores what it collects, as the agent
 * journals and sends it. Without a writer it only reads and dispatches.
 */
export function collectdConfig(dir: string, writer: 'csv' | 'none'): string {
  const fsTypes = VIRTUAL_FS.map((t) => `  FSType "${t}"`).join('\n');
  return `# written by bench/agent-footprint.ts
Hostname "bench"
FQDNLookup false
BaseDir "${dir}"
PIDFile "${join(dir, 'collectd.pid')}"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
Interval 1
LoadPlugin cpu
LoadPlugin memory
LoadPlugin df
LoadPlugin disk
LoadPlugin interface
LoadPlugin load
${writer === 'csv' ? 'LoadPlugin csv' : ''}
<Plugin cpu>
  ReportByCpu true
  ReportByState true
  ValuesPercentage true
</Plugin>
<Plugin df>
${fsTypes}
  IgnoreSelected true
  ReportInodes true
</Plugin>
<Plugin interface>
  Interface "lo"
  IgnoreSelected true
</Plugin>
${
  writer === 'csv'
    ? `<Plugin csv>
  DataDir "${join(dir, 'csv')}"
  StoreRates true
</Plugin>`
    : ''
}
`;
}

/** Writes the config into `dir` and starts `collectd -f` (foreground) on it. */
export function startCollectd(name: string, bin: string, dir: string, writer: 'csv' | 'none'): Spawned {
  mkdirSync(join(dir, 'csv'), { recursive: true });
  const conf = join(dir, 'collectd.conf');
  writeFileSync(conf, collectdConfig(dir, writer));
  const check = spawnSync(bin, ['-t', '-C', conf], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`collectd refuses ${conf}: ${check.stderr}${check.stdout}`);
  return new Spawned(name, bin, ['-f', '-C', conf], { cwd: dir });
}

/** The installed Debian package's version (`5.12.0-14`). */
export function packageVersion(pkg: string): string {
  const r = spawnSync('dpkg-query', ['-W', '-f', '$' + '{Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}
