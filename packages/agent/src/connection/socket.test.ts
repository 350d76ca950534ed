import { describe, expect, it } from 'vitest';
import { maskOption } from './socket.js';

function maskFrom(url: string): Buffer | null {
  const { generateMask } = maskOption(url);
  if (!generateMask) return null;
  const mask = Buffer.from([1, 2, 3, 4]);
  generateMask(mask);
  return mask;
}

describe('maskOption', () => {
  it('uses a zero key inside TLS, where no intermediary sees the bytes', () => {
    expect(maskFrom('wss://relay.example.edu:8081/agent')).toEqual(Buffer.alloc(4));
  });

  it('uses a zero key on loopback', () => {
    for (const url of [
      'ws://127.0.0.1:8081/agent',
      'ws://127.8.0.1/agent',
      'ws://localhost:1/agent',
      'ws://[::1]:8081/agent',
    ])
      expect(maskFrom(url), url).toEqual(Buffer.alloc(4));
  });

  it("keeps ws's random keys on plain ws:// across a network", () => {
    for (const url of [
      'ws://10.0.0.5:8081/agent',
      'ws://relay.example.edu/agent',
      'ws://127.example.edu/agent',
    ])
      expect(maskFrom(url), url).toBeNull();
  });
});
