import { listDir } from './read.js';

/** Every process has a numeric directory in /proc. */
export function countPidEntries(names: readonly string[]): number {
  let count = 0;
  for (const name of names) if (/^\d+$/.test(name)) count += 1;
  return count;
}

export function countProcesses(procRoot = '/proc'): number {
  return countPidEntries(listDir(procRoot));
}
