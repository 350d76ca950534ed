import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { maskOption, openSocket } from './socket.js';

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

describe('writeFramesWhole', () => {
  it('sends each text frame as one write, which the peer reads as the same messages', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const received: string[] = [];
    server.on('connection', (peer) => {
      peer.on('message', (data) => received.push(String(data)));
    });
    const { port } = server.address() as AddressInfo;
    const socket = openSocket(`ws://127.0.0.1:${port}/agent`, 'token', 5000, null);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      // 7-bit, 16-bit and 64-bit payload lengths, and text that is not ASCII.
      const texts = ['{"type":"ping"}', `{"a":"${'é€'.repeat(200)}"}`, 'x'.repeat(70_000)];
      const written: Buffer[] = [];
      const underlying = (
        socket as unknown as { _socket: { write: (b: Buffer, cb?: () => void) => boolean } }
      )._socket;
      const write = underlying.write.bind(underlying);
      underlying.write = (b: Buffer, cb?: () => void) => {
        written.push(b);
        return write(b, cb);
      };
      for (const text of texts) await new Promise<void>((resolve) => socket.send(text, () => resolve()));
      expect(written.length).toBe(texts.length);
      await vi.waitFor(() => expect(received).toEqual(texts));
    } finally {
      socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
