import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { databases } from './databases.js';
import { startTestServer } from './test-server.js';

/**
 * Security issue 12: an enrollment made over HTTPS is never answered with a
 * plain ws:// relay URL (the agent would then send its credential in clear).
 * The server is started with TLS and a ws:// relay URL given past `loadConfig`
 * (which refuses that pair at start), so the route's own check is what runs.
 */
describe.each(databases)(
  'POST /api/v1/agents/enroll over HTTPS with a ws:// relay URL on $name',
  (database) => {
    let server: RunningServer;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ server, close } = await startTestServer(database, {
        tls: { mode: 'auto', hosts: [] },
        relayUrl: 'ws://127.0.0.1:8081/agent',
      }));
    });
    afterAll(async () => {
      await close?.();
    });

    /** POST over HTTPS, trusting only the server's own CA. */
    const enroll = (token: string) =>
      new Promise<{ status: number; body: { error?: { code: string; message: string }; relayUrl?: string } }>(
        (resolve, reject) => {
          const payload = JSON.stringify({ token, hostname: 'pc01' });
          const req = request(
            `${server.url}/api/v1/agents/enroll`,
            {
              method: 'POST',
              ca: server.ctx.tls?.trustAnchor,
              headers: { 'content-type': 'application/json' },
            },
            (res) => {
              let text = '';
              res.on('data', (c: Buffer) => {
                text += c.toString();
              });
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
            },
          );
          req.on('error', reject);
          req.end(payload);
        },
      );

    const usesLeft = async (id: string) =>
      (await server.ctx.enrollment.list({ limit: 1000, offset: 0 })).items.find((t) => t.id === id)?.usesLeft;

    it('refuses with relay_url_insecure, telling the admin to set LABMGR_RELAY_URL=wss://, and leaves the token unused', async () => {
      expect(server.url).toMatch(/^https:/);
      const created = await server.ctx.enrollment.createToken(
        { uses: 1, expiresInSec: 600, labId: null },
        { type: 'system', id: null, ip: null },
      );
      const r = await enroll(created.token);
      expect(r.status).toBe(503);
      expect(r.body.error?.code).toBe('relay_url_insecure');
      expect(r.body.error?.message).toContain('LABMGR_RELAY_URL=wss://');
      expect(r.body.relayUrl).toBeUndefined();
      expect(await usesLeft(created.id)).toBe(1);

      // The same token still enrolls once the relay URL is a wss:// one.
      server.ctx.config.relayUrl = 'wss://127.0.0.1:8081/agent';
      try {
        const ok = await enroll(created.token);
        expect(ok.status).toBe(200);
        expect(ok.body.relayUrl).toBe('wss://127.0.0.1:8081/agent');
        expect(await usesLeft(created.id)).toBe(0);
      } finally {
        server.ctx.config.relayUrl = 'ws://127.0.0.1:8081/agent';
      }
    });
  },
);
