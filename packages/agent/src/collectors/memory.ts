import type { MemoryMetrics } from '@labmgr/protocol';

/** The fields a sample needs (see `memoryMetrics`). */
export const SAMPLE_MEMINFO_KEYS = [
  'MemTotal',
  'MemFree',
  'MemAvailable',
  'Buffers',
  'Cached',
  'SwapTotal',
  'SwapFree',
];

/**
 * Parses /proc/meminfo into a map of field → bytes (the file says kB,
 * meaning KiB). With `keys`, looks up only those (a sample needs 7 of its
 * ~55 lines, and this runs every second); a key the kernel lacks is absent.
 */
export function parseMeminfo(text: string, keys?: readonly string[]): Map<string, number> {
  const fields = new Map<string, number>();
  if (keys) {
    for (const key of keys) {
      const atStart = text.startsWith(`${key}:`);
      const newline = atStart ? -1 : text.indexOf(`\n${key}:`);
      if (!atStart && newline < 0) continue;
      const at = atStart ? 0 : newline + 1;
      const end = text.indexOf('\n', at);
      const line = text.slice(at, end < 0 ? text.length : end);
      const value = Number.parseInt(line.slice(key.length + 1), 10);
      if (Number.isFinite(value) && value >= 0) fields.set(key, line.endsWith('kB') ? value * 1024 : value);
    }
    return fields;
  }
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    // parseInt skips the padding and stops at " kB".
    const value = Number.parseInt(line.slice(colon + 1), 10);
    if (!Number.isFinite(value) || value < 0) continue;
    fields.set(line.slice(0, colon), line.endsWith('kB') ? value * 1024 : value);
  }
  return fields;
}

/**
 * Memory figures as `free` shows them: used = total − available. Kernels
 * before 3.14 lack MemAvailable; free + buffers + cached approximates it.
 * `cachedBytes` is meminfo's Cached (page cache, including tmpfs/shmem pages);
 * `free`'s "buff/cache" column adds SReclaimable on top, which we leave out
 * so the figure means one thing on every kernel.
 */
export function memoryMetrics(fields: ReadonlyMap<string, number>): MemoryMetrics {
  const total = fields.get('MemTotal') ?? 0;
  const fallback = (fields.get('MemFree') ?? 0) + (fields.get('Buffers') ?? 0) + (fields.get('Cached') ?? 0);
  const available = Math.min(total, fields.get('MemAvailable') ?? fallback);
  const swapTotal = fields.get('SwapTotal') ?? 0;
  const swapFree = Math.min(swapTotal, fields.get('SwapFree') ?? swapTotal);
  return {
    totalBytes: total,
    usedBytes: total - available,
    availableBytes: available,
    cachedBytes: fields.get('Cached') ?? 0,
    buffersBytes: fields.get('Buffers') ?? 0,
    swapTotalBytes: swapTotal,
    swapUsedBytes: swapTotal - swapFree,
  };
}
