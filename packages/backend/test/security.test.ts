import type { LiveEvent } from '@labmgr/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../src/server.js';
import { databases } from './databases.js';
import { ADMIN_PASSWORD, type Json, jsonClient, startTestServer } from './test-server.js';

const USER_PASSWORD = 'a long enough password';

/** A live socket and what it received, with when it closed. */
interface LiveClient {
  messages: unknown[];
  closed: Promise<{ code: number; reason: string; at: number }>;
  socket: WebSocket;
}

function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return (async () => {
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
}

describe.each(databases)('security: throttling, live revocation, refused actions on $name', (database) => {
  let server: RunningServer;
  let close: () => Promise<void>;
  let base: string;
  let admin = '';

  const { api, as, login } = jsonClient(() => base);

  const createUser = async (username: string, role: string): Promise<string> => {
    const res = await api('POST', '/api/v1/users', { username, password: USER_PASSWORD, role }, as(admin));
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const auditOf = async (query: string) =>
    (await api('GET', `/api/v1/audit?limit=200&${query}`, undefined, as(admin))).body.items as {
      action: string;
      actorId: string | null;
      actorType: string;
      targetId: string | null;
      ip: string | null;
      details: Json | null;
    }[];

  const openLive = (headers: Record<string, string>): Promise<LiveClient> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/api/v1/live`, { headers });
      const messages: unknown[] = [];
      const closed = new Promise<{ code: number; reason: string; at: number }>((done) =>
        socket.on('close', (code, reason) => done({ code, reason: reason.toString(), at: Date.now() })),
      );
      socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
      socket.on('unexpected-response', (_req, res) => reject(new Error(`live refused: ${res.statusCode}`)));
      socket.on('error', reject);
      // Joined once the hello arrives.
      socket.once('message', () => resolve({ messages, closed, socket }));
    });

  /** Opens a live socket, runs `revoke`, and checks it closes within a second and gets nothing afterwards. */
  const expectClosedBy = async (
    client: LiveClient,
    revoke: () => Promise<number>,
    code: number,
    control?: LiveClient,
  ): Promise<string> => {
    const started = Date.now();
    expect(await revoke()).toBeLessThan(300);
    const closedWith = await Promise.race([
      client.closed,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not closed within 1 s')), 1000)),
    ]);
    expect(closedWith.code).toBe(code);
    expect(closedWith.at - started).toBeLessThan(1000);
    const before = client.messages.length;
    const output: LiveEvent = {
      type: 'command.output',
      commandId: '00000000-0000-4000-8000-000000000001',
      computerId: '00000000-0000-4000-8000-000000000002',
      stream: 'stdout',
      data: 'secret output run afterwards',
    };
    server.ctx.live.publish(output);
    server.ctx.live.flush();
    if (control) await waitUntil(async () => (control.messages.length > 1 ? true : undefined));
    await new Promise((r) => setTimeout(r, 100));
    expect(client.messages.length).toBe(before);
    return closedWith.reason;
  };

  beforeAll(async () => {
    // Behind a reverse proxy on this machine, trusted by address.
    ({ server, close } = await startTestServer(database, { trustProxy: ['loopback'] }));
    base = server.url;
    admin = await login('admin', ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await close?.();
  });

  describe('login throttling', () => {
    it('evaluates at most 5 of 40 concurrent wrong guesses from one address', async () => {
      await createUser('guessed1', 'viewer');
      const results = await Promise.all(
        Array.from({ length: 40 }, () =>
          api('POST', '/api/v1/auth/login', { username: 'guessed1', password: 'wrong guess' }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(35);
      const throttled = results.find((r) => r.status === 429);
      expect(Number(throttled?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(throttled?.body).toMatchObject({ error: { code: 'too_many_attempts' } });
      const failures = (await auditOf('action=auth.login_failed&target=guessed1')).length;
      expect(failures).toBe(5);
    });

    it('takes the right-most untrusted address: forged X-Forwarded-For entries neither escape the limit nor reach the log', async () => {
      await createUser('guessed2', 'viewer');
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        // What the proxy sends: the client's own header, then the address the proxy saw.
        const res = await api(
          'POST',
          '/api/v1/auth/login',
          { username: 'guessed2', password: 'wrong guess' },
          { 'x-forwarded-for': `203.0.113.${i + 1}, 192.0.2.50` },
        );
        statuses.push(res.status);
      }
      expect(statuses.filter((s) => s === 401)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(15);
      const failures = await auditOf('action=auth.login_failed&target=guessed2');
      expect(new Set(failures.map((f) => f.ip))).toEqual(new Set(['192.0.2.50']));
    });

    it('limits an account guessed from many real addresses with a growing delay, not a lock', async () => {
      await createUser('guessed3', 'viewer');
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          api(
            'POST',
            '/api/v1/auth/login',
            { username: 'guessed3', password: 'wrong guess' },
            { 'x-forwarded-for': `198.51.100.${i + 1}` },
          ),
        ),
      );
      const statuses = results.map((r) => r.status);
      // 10 free failures, then a 1 s delay; a loaded machine may let a late request or two in after it.
      const evaluated = statuses.filter((s) => s === 401).length;
      expect(evaluated).toBeGreaterThanOrEqual(10);
      expect(evaluated).toBeLessThanOrEqual(12);
      expect(statuses.filter((s) => s === 429)).toHaveLength(40 - evaluated);
      const attempt = (password: string, from: string) =>
        api('POST', '/api/v1/auth/login', { username: 'guessed3', password }, { 'x-forwarded-for': from });
      const retryAfterMs = (r: { headers: Headers }) => Number(r.headers.get('retry-after')) * 1000;
      // Keep guessing, each time the delay allows, until it has grown to 8 s (1, 2, 4, 8 s: it doubles).
      for (let i = 0; ; i++) {
        expect(i).toBeLessThan(10);
        const r = await attempt('wrong guess', `198.51.100.${100 + i}`);
        if (r.status === 429 && retryAfterMs(r) >= 8000) break;
        if (r.status === 429) await new Promise((done) => setTimeout(done, retryAfterMs(r) + 50));
      }
      // Even the right password waits out the delay…
      const early = await attempt(USER_PASSWORD, '198.51.100.200');
      expect(early.status).toBe(429);
      expect(retryAfterMs(early)).toBeLessThanOrEqual(8000);
      // …which is all it is: the owner is in once it has passed.
      await new Promise((done) => setTimeout(done, retryAfterMs(early) + 50));
      expect((await attempt(USER_PASSWORD, '198.51.100.200')).status).toBe(200);
    }, 60_000);
  });

  it('counts concurrent enrollment guesses from one address before checking them (20 of 40), forged addresses included', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api(
          'POST',
          '/api/v1/agents/enroll',
          { token: `lme_not-a-token-${i}`, hostname: 'guesser' },
          { 'x-forwarded-for': `203.0.113.${i + 1}, 192.0.2.90` },
        ),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });

  describe('live sockets end with their credentials', () => {
    it('closes on sign-out, and the socket of another session stays', async () => {
      await createUser('live1', 'viewer');
      const cookie = await login('live1', USER_PASSWORD);
      const other = await login('live1', USER_PASSWORD);
      const client = await openLive(as(cookie));
      const control = await openLive(as(other));
      const reason = await expectClosedBy(
        client,
        async () => {
          const t = Date.now();
          expect((await api('POST', '/api/v1/auth/logout', undefined, as(cookie))).status).toBe(204);
          return Date.now() - t;
        },
        4401,
        control,
      );
      expect(reason).toBe('signed out');
      expect(control.socket.readyState).toBe(WebSocket.OPEN);
      control.socket.close();
    });

    it('closes every socket of a user who is disabled, deleted, or whose password is reset', async () => {
      const control = await openLive(as(admin));
      for (const [name, change, reason] of [
        ['live2', { disabled: true }, 'account disabled'],
        ['live3', { password: 'another long password' }, 'password reset by an administrator; sign in again'],
        ['live4', null, 'account deleted'],
      ] as const) {
        const id = await createUser(name, 'operator');
        const client = await openLive(as(await login(name, USER_PASSWORD)));
        const closedReason = await expectClosedBy(
          client,
          async () => {
            const t = Date.now();
            const res =
              change === null
                ? await api('DELETE', `/api/v1/users/${id}`, undefined, as(admin))
                : await api('PATCH', `/api/v1/users/${id}`, change, as(admin));
            expect(res.status).toBeLessThan(300);
            return Date.now() - t;
          },
          4401,
          control,
        );
        expect(closedReason).toBe(reason);
      }
      control.socket.close();
    });

    it('closes on a role change (4403: reconnect under the new role) and on revoking the API token', async () => {
      const id = await createUser('live5', 'operator');
      const cookie = await login('live5', USER_PASSWORD);
      const token = await api(
        'POST',
        '/api/v1/api-tokens',
        { name: 'live script', scope: 'read' },
        as(cookie),
      );
      expect(token.status).toBe(201);
      const bearer = { authorization: `Bearer ${token.body.token as string}` };

      const bySession = await openLive(as(cookie));
      await expectClosedBy(
        bySession,
        async () => {
          const t = Date.now();
          expect((await api('PATCH', `/api/v1/users/${id}`, { role: 'viewer' }, as(admin))).status).toBe(200);
          return Date.now() - t;
        },
        4403,
      );

      const byToken = await openLive(bearer);
      const reason = await expectClosedBy(
        byToken,
        async () => {
          const t = Date.now();
          const res = await api(
            'DELETE',
            `/api/v1/api-tokens/${token.body.id as string}`,
            undefined,
            as(admin),
          );
          expect(res.status).toBe(204);
          return Date.now() - t;
        },
        4401,
      );
      expect(reason).toBe('API token revoked');
      // And the token cannot open a new one.
      await expect(openLive(bearer)).rejects.toThrow(/401/);
    });
  });

  describe('refused actions are audited', () => {
    it('records a viewer starting a command (403) and a malformed command (400), repeats counted not written', async () => {
      const viewerId = await createUser('refused-viewer', 'viewer');
      const viewer = await login('refused-viewer', USER_PASSWORD);
      const command = {
        targets: { computerIds: ['00000000-0000-4000-8000-000000000009'] },
        kind: 'shell',
        command: 'shutdown now',
      };
      for (let i = 0; i < 25; i++) {
        expect((await api('POST', '/api/v1/commands', command, as(viewer))).status).toBe(403);
      }
      const malformed = await api('POST', '/api/v1/commands', { kind: 'shell', command: '' }, as(admin));
      expect(malformed.status).toBe(400);
      const anonymous = await api('DELETE', `/api/v1/users/${viewerId}`);
      expect(anonymous.status).toBe(401);

      // Refusals are written after the answer, not awaited: wait for this test's three (not any three).
      const entries = await waitUntil(async () => {
        const items = await auditOf('action=request.refused');
        const ours =
          items.some((e) => e.actorId === viewerId) &&
          items.some(
            (e) => e.details?.code === 'validation_failed' && e.targetId === 'POST /api/v1/commands',
          ) &&
          items.some((e) => e.details?.status === 401 && e.targetId === 'DELETE /api/v1/users/:id');
        return ours ? items : undefined;
      });
      const forbidden = entries.filter((e) => e.actorId === viewerId);
      expect(forbidden).toHaveLength(1);
      expect(forbidden[0]).toMatchObject({
        actorType: 'user',
        targetId: 'POST /api/v1/commands',
        details: { status: 403, code: 'forbidden' },
      });
      expect(
        entries.find(
          (e) => e.details?.code === 'validation_failed' && e.targetId === 'POST /api/v1/commands',
        ),
      ).toMatchObject({
        targetId: 'POST /api/v1/commands',
        details: { status: 400, fields: expect.arrayContaining([expect.stringMatching(/^body\./)]) },
      });
      expect(
        entries.find((e) => e.details?.status === 401 && e.targetId === 'DELETE /api/v1/users/:id'),
      ).toMatchObject({
        actorId: null,
        targetId: 'DELETE /api/v1/users/:id',
        details: { params: { id: viewerId } },
      });
    });
  });
});

describe('trusting proxies by hop count', () => {
  it('takes the address the last proxy appended, not the one the client wrote', async () => {
    const [sqlite] = databases;
    if (!sqlite) throw new Error('no database');
    const { server, close } = await startTestServer(sqlite, { trustProxy: 1 });
    try {
      const res = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9, 192.0.2.77' },
        body: JSON.stringify({ username: 'nobody', password: 'wrong' }),
      });
      expect(res.status).toBe(401);
      const entries = await server.ctx.audit.list({ action: 'auth.login_failed', limit: 10, offset: 0 });
      expect(entries.rows.map((r) => r.ip)).toEqual(['192.0.2.77']);
    } finally {
      await close();
    }
  });
});
