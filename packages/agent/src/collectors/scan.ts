/**
 * The unsigned decimal numbers in `text` between `start` and `end`, in
 * order, written into `out` (cleared first) and returned. Anything else
 * separates numbers. The /proc parsers run every sample; scanning
 * characters avoids the substrings, arrays and regular expressions that
 * `split(/\s+/).map(Number)` creates for every line, which on a virtual
 * machine waking up once a second costs more than the reads themselves.
 * Counters beyond 2^53 (9 PB) would lose precision; none get there.
 */
export function scanNumbers(text: string, start: number, end: number, out: number[] = []): number[] {
  out.length = 0;
  let value = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits += 1;
    } else if (digits > 0) {
      out.push(value);
      value = 0;
      digits = 0;
    }
  }
  if (digits > 0) out.push(value);
  return out;
}

/** Calls `fn` with the start and end of each line (without the newline). */
export function forEachLine(text: string, fn: (start: number, end: number) => void): void {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    fn(start, end);
    start = end + 1;
  }
}
