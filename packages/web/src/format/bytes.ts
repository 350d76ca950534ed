/** Bytes in one gibibyte (2^30). */
export const GIB = 1024 ** 3;

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;
const BIT_UNITS = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'] as const;

/** Placeholder shown where a figure is unknown. */
export const MISSING = '–';

/** One decimal below 100, none above: `9.5`, `16.0`, `447`. */
function trim(value: number): string {
  return value < 100 ? value.toFixed(1) : Math.round(value).toString();
}

/** Index of the binary unit in which `bytes` reads as a number below 1024. */
function binaryExponent(bytes: number): number {
  if (bytes < 1024) return 0;
  return Math.min(Math.floor(Math.log(bytes) / Math.log(1024)), BINARY_UNITS.length - 1);
}

/**
 * A byte count in binary units.
 * @example formatBytes(16 * 1024 ** 3) // "16.0 GiB"
 * @example formatBytes(512) // "512 B"
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return MISSING;
  const exp = binaryExponent(bytes);
  if (exp === 0) return `${Math.round(bytes)} B`;
  return `${trim(bytes / 1024 ** exp)} ${BINARY_UNITS[exp]}`;
}

/**
 * Used and total memory, always in GiB with one decimal, as a fleet table shows it.
 * @example formatGiBPair(6 * GIB, 16 * GIB) // "6.0 / 16.0 GiB"
 */
export function formatGiBPair(usedBytes: number, totalBytes: number): string {
  if (!Number.isFinite(usedBytes) || !Number.isFinite(totalBytes)) return MISSING;
  return `${(usedBytes / GIB).toFixed(1)} / ${(totalBytes / GIB).toFixed(1)} GiB`;
}

/**
 * Used and total in one binary unit chosen from the total, so both read alike.
 * @example formatBytesPair(120e9, 480e9) // "112 / 447 GiB"
 */
export function formatBytesPair(usedBytes: number, totalBytes: number): string {
  if (!Number.isFinite(usedBytes) || !Number.isFinite(totalBytes) || usedBytes < 0 || totalBytes < 0) {
    return MISSING;
  }
  const exp = binaryExponent(Math.max(totalBytes, usedBytes));
  const unit = BINARY_UNITS[exp];
  if (exp === 0) return `${Math.round(usedBytes)} / ${Math.round(totalBytes)} ${unit}`;
  const scale = 1024 ** exp;
  return `${trim(usedBytes / scale)} / ${trim(totalBytes / scale)} ${unit}`;
}

/**
 * A network throughput given in bytes per second, shown in bits per second
 * with decimal (SI) prefixes as network equipment labels it.
 * @example formatBitRate(1_250_000) // "10.0 Mbit/s"
 * @example formatBitRate(1200) // "9.6 kbit/s"
 */
export function formatBitRate(bytesPerSec: number): string {
  if (!Number.isFinite(bytesPerSec) || bytesPerSec < 0) return MISSING;
  const bits = bytesPerSec * 8;
  if (bits < 1000) return `${Math.round(bits)} bit/s`;
  const exp = Math.min(Math.floor(Math.log10(bits) / 3), BIT_UNITS.length - 1);
  let value = bits / 1000 ** exp;
  let unit = BIT_UNITS[exp];
  // 999.96 kbit/s would round to "1000 kbit/s": move to the next unit instead.
  if (Math.round(value) >= 1000 && exp < BIT_UNITS.length - 1) {
    value /= 1000;
    unit = BIT_UNITS[exp + 1];
  }
  return `${trim(value)} ${unit}`;
}
