import { describe, expect, it } from 'vitest';
import { utf8Prefix } from './command.service.js';

describe('utf8Prefix', () => {
  it('cuts at most maxBytes, never inside a character', () => {
    expect(utf8Prefix('abcdef', 3)).toBe('abc');
    expect(utf8Prefix('ab', 5)).toBe('ab');
    expect(utf8Prefix('aé', 2)).toBe('a'); // é is 2 bytes
    expect(utf8Prefix('aé', 3)).toBe('aé');
    expect(utf8Prefix('a€b', 3)).toBe('a'); // € is 3 bytes
    expect(utf8Prefix('a😀', 4)).toBe('a');
    expect(utf8Prefix('a😀', 5)).toBe('a😀');
    expect(utf8Prefix('€', 0)).toBe('');
  });
});
