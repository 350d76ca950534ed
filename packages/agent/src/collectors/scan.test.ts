import { describe, expect, it } from 'vitest';
import { forEachLine, scanNumbers } from './scan.js';

describe('scanNumbers', () => {
  it('reads the unsigned numbers in a range, anything else separating them', () => {
    const line = 'eth0: 398616191   11083 0 7 | x12';
    expect(scanNumbers(line, 5, line.length)).toEqual([398616191, 11083, 0, 7, 12]);
    expect(scanNumbers('cpu3 1 2', 4, 8)).toEqual([1, 2]);
    expect(scanNumbers('', 0, 0)).toEqual([]);
  });

  it('reuses the output array', () => {
    const out = [9, 9, 9];
    expect(scanNumbers('1 2', 0, 3, out)).toBe(out);
    expect(out).toEqual([1, 2]);
  });
});

describe('forEachLine', () => {
  it('visits every line, with or without a final newline', () => {
    const lines: string[] = [];
    const text = 'a\nbc\n\nd';
    forEachLine(text, (s, e) => lines.push(text.slice(s, e)));
    expect(lines).toEqual(['a', 'bc', '', 'd']);
  });
});
