/**
 * Process plumbing of bench/relay-load.ts: the open-files limit (re-exec
 * under `bash -c 'ulimit -n …'` when it is low), forked helper processes
 * with typed IPC, and a last-resort kill of everything forked.
 */
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const REEXEC_MARK = 'LABMGR_RELAY_LOAD_REEXEC';

/** The soft limit on open files of this process (from /proc/self/limits). */
export function openFilesLimit(): number {
  const text = readFileSync('/proc/self/limits', 'utf8');
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(text);
  return !m || m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1]);
}

/**
 * Node cannot call setrlimit, so when the soft limit is below `wanted` this
 * runs the same command again under bash with `ulimit -n 65536` (or the hard
 * limit when not allowed more) and exits with its status. Children spawned
 * afterwards (backend, relay, generators) inherit the raised limit.
 */
export function ensureOpenFiles(wanted: number): void {
  const limit = openFilesLimit();
  if (limit >= wanted) return;
  if (process.env[REEXEC_MARK]) {
    console.log(`warning: open-files limit is ${limit} (hard limit reached), below the ${wanted} wanted`);
    return;
  }
  const script = `ulimit -n ${Math.max(65_536, wanted)} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`;
  const argv = [process.execPath, ...process.execArgv, process.argv[1] ?? '', ...process.argv.slice(2)];
  console.log(`open-files limit ${limit} < ${wanted}: re-running under bash -c 'ulimit -n …'`);
  const r = spawnSync('bash', ['-c', script, 'bash', ...argv], {
    stdio: 'inherit',
    env: { ...process.env, [REEXEC_MARK]: '1' },
  });
  process.exit(r.status ?? 1);
}

const forked = new Set<ChildProcess>();
/** SIGKILL whatever forked child is still alive; safe to call more than once. */
export function killForked(): void {
  for (const child of forked) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
process.on('exit', killForked);

/** A forked TypeScript helper (run with this process's tsx loader) with typed IPC both ways. */
export class Forked<Cmd, Report extends { type: string }> {
  readonly child: ChildProcess;
  private readonly waiters: Array<{ type: string; resolve: (r: Report) => void }> = [];
  private readonly exited: Promise<void>;
  /** Messages nobody waits for (e.g. live-mode reports). */
  onUnexpected: (r: Report) => void = () => {};

  constructor(
    readonly name: string,
    script: string,
  ) {
    this.child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    forked.add(this.child);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.child.on('message', (msg) => {
      const report = msg as Report;
      const i = this.waiters.findIndex((w) => w.type === report.type);
      if (i < 0) return this.onUnexpected(report);
      const [w] = this.waiters.splice(i, 1);
      w?.resolve(report);
    });
    this.child.on('error', () => {});
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  send(cmd: Cmd): void {
    if (this.running && this.child.connected) this.child.send(cmd as object);
  }

  /** The next report of `type`; rejects after `timeoutMs` or when the child exits first. */
  next<T extends Report['type']>(type: T, timeoutMs: number): Promise<Extract<Report, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`${this.name}: no '${type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        type,
        resolve: (r: Report) => {
          clearTimeout(timer);
          resolve(r as Extract<Report, { type: T }>);
        },
      };
      this.waiters.push(waiter);
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (code ${this.child.exitCode ?? this.child.signalCode})`));
      });
    });
  }

  /** Waits up to `graceMs` for it to exit by itself, then SIGKILL. */
  async end(graceMs: number): Promise<void> {
    if (!this.running) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    forked.delete(this.child);
  }
}
