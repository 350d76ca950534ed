import type { MetricSample } from '@labmgr/protocol';

/** Parses /proc/meminfo into a map of field → bytes (the file says kB, meaning KiB). */
export function parseMeminfo(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([\w()]+):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (!match?.[1] || !match[2]) continue;
    const unit = line.trimEnd().endsWith('kB') ? 1024 : 1;
    fields.set(match[1], Number(match[2]) * unit);
  }
  return fields;
}

/**
 * Memory figures as `free` shows them: used = total − available. Kernels
 * before 3.14 lack MemAvailable; free + buffers + cached approximates it.
 */
export function memoryMetrics(fields: ReadonlyMap<string, number>): MetricSample['memory'] {
  const total = fields.get('MemTotal') ?? 0;
  const fallback = (fields.get('MemFree') ?? 0) + (fields.get('Buffers') ?? 0) + (fields.get('Cached') ?? 0);
  const available = Math.min(total, fields.get('MemAvailable') ?? fallback);
  const swapTotal = fields.get('SwapTotal') ?? 0;
  const swapFree = Math.min(swapTotal, fields.get('SwapFree') ?? swapTotal);
  return {
    totalBytes: total,
    usedBytes: total - available,
    availableBytes: available,
    swapTotalBytes: swapTotal,
    swapUsedBytes: swapTotal - swapFree,
  };
}
