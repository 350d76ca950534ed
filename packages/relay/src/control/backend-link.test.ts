import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackendLink } from './backend-link.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A backend whose registration route answers with `status` (and `Retry-After`, if given); counts the calls. */
async function backend(status: number, retryAfter?: string) {
  const calls: number[] = [];
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls.push(Date.now());
      res.writeHead(status, {
        'content-type': 'application/json',
        ...(retryAfter ? { 'retry-after': retryAfter } : {}),
      });
      res.end(status === 200 ? '{}' : '{"error":{"code":"unavailable","message":"busy"}}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

function link(url: string) {
  return createBackendLink({
    backendUrl: url,
    token: 't',
    relayId: 'r1',
    logger: pino({ level: 'silent' }),
    registration: () => ({
      relayId: 'r1',
      controlUrl: 'http://127.0.0.1:1/',
      controlToken: 'x'.repeat(43),
      version: '1.0.0',
      connectedAgents: 0,
    }),
    registerIntervalMs: 50,
  });
}

describe('backend link', () => {
  it('retries a failed registration soon', async () => {
    const b = await backend(503);
    const l = link(b.url);
    l.start();
    await new Promise((r) => setTimeout(r, 600));
    await l.stop();
    expect(b.calls.length).toBeGreaterThanOrEqual(4);
  });

  it('makes no call before a 503 Retry-After has passed', async () => {
    const b = await backend(503, '1');
    const l = link(b.url);
    l.start();
    await new Promise((r) => setTimeout(r, 600));
    expect(b.calls).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 800));
    await l.stop();
    expect(b.calls.length).toBeGreaterThanOrEqual(2);
    expect((b.calls[1] ?? 0) - (b.calls[0] ?? 0)).toBeGreaterThanOrEqual(950);
  });
});
