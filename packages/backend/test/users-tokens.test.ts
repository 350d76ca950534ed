import { createHash } from 'node:crypto';
import {
  ApiTokenListQuery,
  AuditQuery,
  ComputerListQuery,
  EnrollmentTokenListQuery,
  UserListQuery,
} from '@labmgr/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { databases } from './databases.js';
import { type Json, jsonClient, ADMIN_PASSWORD as PASSWORD, startTestServer } from './test-server.js';

const USER_PASSWORD = 'a long enough password';

describe.each(databases)('users, API tokens and audit on $name', (database) => {
  let server: RunningServer;
  let close: () => Promise<void>;
  let base: string;
  let admin = '';

  const { api, as, bearer, login } = jsonClient(() => base);

  const createUser = async (username: string, role: string, password = USER_PASSWORD): Promise<string> => {
    const res = await api('POST', '/api/v1/users', { username, password, role }, as(admin));
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  const createToken = async (cookie: string, body: Json): Promise<{ id: string; token: string }> => {
    const res = await api('POST', '/api/v1/api-tokens', body, as(cookie));
    expect(res.status).toBe(201);
    return res.body as { id: string; token: string };
  };

  beforeAll(async () => {
    ({ server, close } = await startTestServer(database));
    base = server.url;
    admin = await login('admin', PASSWORD);
  });

  afterAll(async () => {
    await close?.();
  });

  it('creates users (201), refuses a duplicate (409), a short password and a bad role (400)', async () => {
    const res = await api(
      'POST',
      '/api/v1/users',
      { username: 'alice', password: USER_PASSWORD, role: 'operator' },
      as(admin),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      username: 'alice',
      role: 'operator',
      disabled: false,
      lastLoginAt: null,
    });
    const dup = await api(
      'POST',
      '/api/v1/users',
      { username: 'alice', password: USER_PASSWORD, role: 'viewer' },
      as(admin),
    );
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: { code: 'username_taken' } });
    const short = await api(
      'POST',
      '/api/v1/users',
      { username: 'bob', password: 'short', role: 'viewer' },
      as(admin),
    );
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({ error: { code: 'validation_failed' } });
    const badRole = await api(
      'POST',
      '/api/v1/users',
      { username: 'bob', password: USER_PASSWORD, role: 'root' },
      as(admin),
    );
    expect(badRole.status).toBe(400);
  });

  it('lets only admins manage users', async () => {
    await createUser('vera', 'viewer');
    await createUser('otto', 'operator');
    for (const name of ['vera', 'otto']) {
      const cookie = await login(name, USER_PASSWORD);
      expect((await api('GET', '/api/v1/users', undefined, as(cookie))).status).toBe(403);
      expect(
        (
          await api(
            'POST',
            '/api/v1/users',
            { username: `x${name}`, password: USER_PASSWORD, role: 'admin' },
            as(cookie),
          )
        ).status,
      ).toBe(403);
      expect((await api('GET', '/api/v1/audit', undefined, as(cookie))).status).toBe(403);
    }
  });

  it('lists users with pagination, filters and sorting', async () => {
    for (const n of ['list-a', 'list-b', 'list-c']) await createUser(n, 'viewer');
    const id = (await api('GET', '/api/v1/users?q=list-b', undefined, as(admin))).body.items as Json[];
    expect(id.map((u) => u.username)).toEqual(['list-b']);
    await api('PATCH', `/api/v1/users/${id[0]?.id}`, { disabled: true, displayName: 'Bee' }, as(admin));

    const page = await api(
      'GET',
      '/api/v1/users?q=LIST-&sort=username&order=desc&limit=2&offset=0',
      undefined,
      as(admin),
    );
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(3);
    expect((page.body.items as Json[]).map((u) => u.username)).toEqual(['list-c', 'list-b']);
    const next = await api(
      'GET',
      '/api/v1/users?q=list-&sort=username&order=desc&limit=2&offset=2',
      undefined,
      as(admin),
    );
    expect((next.body.items as Json[]).map((u) => u.username)).toEqual(['list-a']);

    const disabled = await api('GET', '/api/v1/users?disabled=true', undefined, as(admin));
    expect((disabled.body.items as Json[]).map((u) => u.username)).toEqual(['list-b']);
    const byName = await api('GET', '/api/v1/users?q=bee', undefined, as(admin));
    expect((byName.body.items as Json[]).map((u) => u.username)).toEqual(['list-b']);
    const admins = await api('GET', '/api/v1/users?role=admin', undefined, as(admin));
    expect((admins.body.items as Json[]).map((u) => u.username)).toEqual(['admin']);

    // Never-signed-in users sort last in both directions; admin has signed in.
    for (const order of ['asc', 'desc']) {
      const byLogin = await api('GET', `/api/v1/users?sort=lastLoginAt&order=${order}`, undefined, as(admin));
      const items = byLogin.body.items as Json[];
      expect(items[items.length - 1]?.lastLoginAt).toBeNull();
      expect(items.findIndex((u) => u.username === 'admin')).toBeLessThan(
        items.findIndex((u) => u.lastLoginAt === null),
      );
    }
    const byCreated = await api(
      'GET',
      '/api/v1/users?sort=createdAt&order=asc&limit=1',
      undefined,
      as(admin),
    );
    expect((byCreated.body.items as Json[])[0]?.username).toBe('admin');

    expect((await api('GET', '/api/v1/users?sort=password_hash', undefined, as(admin))).status).toBe(400);
    expect((await api('GET', '/api/v1/users?limit=0', undefined, as(admin))).status).toBe(400);
  });

  it('gets, updates and deletes a user; 404 for an unknown id, 400 for a malformed one', async () => {
    const id = await createUser('carol', 'viewer');
    const got = await api('GET', `/api/v1/users/${id}`, undefined, as(admin));
    expect(got.body).toMatchObject({ username: 'carol', role: 'viewer', disabled: false });
    const patched = await api(
      'PATCH',
      `/api/v1/users/${id}`,
      { role: 'operator', displayName: 'Carol C.' },
      as(admin),
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ role: 'operator', displayName: 'Carol C.' });
    expect((await api('PATCH', `/api/v1/users/${id}`, {}, as(admin))).status).toBe(400);
    expect((await api('PATCH', `/api/v1/users/${id}`, { password: 'short' }, as(admin))).status).toBe(400);

    // A password reset ends the user's sessions; the new password works.
    const carol = await login('carol', USER_PASSWORD);
    const reset = await api('PATCH', `/api/v1/users/${id}`, { password: 'a brand new password' }, as(admin));
    expect(reset.status).toBe(200);
    expect((await api('GET', '/api/v1/auth/me', undefined, as(carol))).status).toBe(401);
    await login('carol', 'a brand new password');

    expect((await api('DELETE', `/api/v1/users/${id}`, undefined, as(admin))).status).toBe(204);
    expect((await api('GET', `/api/v1/users/${id}`, undefined, as(admin))).status).toBe(404);
    expect((await api('DELETE', `/api/v1/users/${id}`, undefined, as(admin))).status).toBe(404);
    expect((await api('GET', '/api/v1/users/not-a-uuid', undefined, as(admin))).status).toBe(400);
  });

  it('refuses an admin deleting, disabling, resetting the password of or changing the role of their own account (409)', async () => {
    const me = (await api('GET', '/api/v1/auth/me', undefined, as(admin))).body.user as Json;
    const adminId = me.id as string;
    // Refused even with another enabled admin around: it is about the own account, not the last admin.
    const second = await createUser('admin2', 'admin');
    const admin2 = await login('admin2', USER_PASSWORD);
    const refusals: [string, unknown, string][] = [
      ['PATCH', { role: 'operator' }, 'you cannot change your own role'],
      ['PATCH', { disabled: true }, 'you cannot disable your own account'],
      ['PATCH', { displayName: 'Me', role: 'viewer' }, 'you cannot change your own role'],
      [
        'PATCH',
        { password: 'a password reset by myself' },
        'change your own password with your current one (POST /api/v1/auth/password)',
      ],
      ['DELETE', undefined, 'you cannot delete your own account'],
    ];
    for (const [method, body, message] of refusals) {
      const res = await api(method, `/api/v1/users/${adminId}`, body, as(admin));
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ error: { code: 'own_account', message } });
    }
    const unchanged = await api('GET', `/api/v1/users/${adminId}`, undefined, as(admin));
    expect(unchanged.body).toMatchObject({ role: 'admin', disabled: false, displayName: me.displayName });
    // Nothing refused is audited as a change.
    const audit = await api('GET', `/api/v1/audit?target=${adminId}&action=user.`, undefined, as(admin));
    expect((audit.body.items as Json[]).filter((e) => e.action !== 'user.bootstrap_admin')).toEqual([]);

    // The own display name, the same role and `disabled: false` are no lockout.
    const own = await api(
      'PATCH',
      `/api/v1/users/${adminId}`,
      { displayName: 'The admin', role: 'admin', disabled: false },
      as(admin),
    );
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ displayName: 'The admin', role: 'admin', disabled: false });

    // Another admin may demote, disable and delete this one, and the other way round.
    expect((await api('PATCH', `/api/v1/users/${adminId}`, { role: 'operator' }, as(admin2))).status).toBe(
      200,
    );
    expect((await api('PATCH', `/api/v1/users/${adminId}`, { role: 'admin' }, as(admin2))).status).toBe(200);
    expect((await api('PATCH', `/api/v1/users/${second}`, { disabled: true }, as(admin))).status).toBe(200);
    expect((await api('DELETE', `/api/v1/users/${second}`, undefined, as(admin))).status).toBe(204);
  });

  it('disabling a user ends their sessions and makes their tokens fail', async () => {
    const id = await createUser('dave', 'operator');
    const dave = await login('dave', USER_PASSWORD);
    const { token } = await createToken(dave, { name: 'script' });
    expect((await api('GET', '/api/v1/computers', undefined, bearer(token))).status).toBe(200);
    expect((await api('PATCH', `/api/v1/users/${id}`, { disabled: true }, as(admin))).status).toBe(200);
    expect((await api('GET', '/api/v1/computers', undefined, as(dave))).status).toBe(401);
    expect((await api('GET', '/api/v1/computers', undefined, bearer(token))).status).toBe(401);
    const relogin = await api('POST', '/api/v1/auth/login', { username: 'dave', password: USER_PASSWORD });
    expect(relogin.status).toBe(401);
    // Enabled again: the token works again (it was never revoked), sessions do not come back.
    expect((await api('PATCH', `/api/v1/users/${id}`, { disabled: false }, as(admin))).status).toBe(200);
    expect((await api('GET', '/api/v1/computers', undefined, bearer(token))).status).toBe(200);
    expect((await api('GET', '/api/v1/computers', undefined, as(dave))).status).toBe(401);
  });

  it('changes the own password: checks the current one, ends the other sessions', async () => {
    await createUser('erin', 'viewer');
    const first = await login('erin', USER_PASSWORD);
    const second = await login('erin', USER_PASSWORD);
    const wrong = await api(
      'POST',
      '/api/v1/auth/password',
      { currentPassword: 'not it at all', newPassword: 'another long password' },
      as(first),
    );
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ error: { code: 'invalid_credentials' } });
    const weak = await api(
      'POST',
      '/api/v1/auth/password',
      { currentPassword: USER_PASSWORD, newPassword: 'short' },
      as(first),
    );
    expect(weak.status).toBe(400);
    const ok = await api(
      'POST',
      '/api/v1/auth/password',
      { currentPassword: USER_PASSWORD, newPassword: 'another long password' },
      as(first),
    );
    expect(ok.status).toBe(204);
    expect((await api('GET', '/api/v1/auth/me', undefined, as(first))).status).toBe(200);
    expect((await api('GET', '/api/v1/auth/me', undefined, as(second))).status).toBe(401);
    expect(
      (await api('POST', '/api/v1/auth/login', { username: 'erin', password: USER_PASSWORD })).status,
    ).toBe(401);
    await login('erin', 'another long password');
  });

  it('issues API tokens shown once and stored as SHA-256; read scope is GET-only', async () => {
    const created = await api(
      'POST',
      '/api/v1/api-tokens',
      { name: 'ci read', scope: 'read', expiresInSec: 3600 },
      as(admin),
    );
    expect(created.status).toBe(201);
    const read = created.body as { id: string; token: string; expiresAt: string };
    expect(read.token).toMatch(/^lmt_[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(read.expiresAt)).toBeGreaterThan(Date.now());
    const row = await server.ctx.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', read.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(createHash('sha256').update(read.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(read.token);
    const listed = await api('GET', '/api/v1/api-tokens', undefined, as(admin));
    expect(JSON.stringify(listed.body)).not.toContain(read.token);
    expect((listed.body.items as Json[]).find((t) => t.id === read.id)).toMatchObject({
      name: 'ci read',
      scope: 'read',
      lastUsedAt: null,
      revokedAt: null,
      username: 'admin',
    });

    expect((await api('GET', '/api/v1/users', undefined, bearer(read.token))).status).toBe(200);
    expect((await api('HEAD', '/api/v1/users', undefined, bearer(read.token))).status).toBe(200);
    const write = await api(
      'POST',
      '/api/v1/users',
      { username: 'nope', password: USER_PASSWORD, role: 'viewer' },
      bearer(read.token),
    );
    expect(write.status).toBe(403);
    const used = await api('GET', `/api/v1/api-tokens`, undefined, bearer(read.token));
    expect((used.body.items as Json[]).find((t) => t.id === read.id)?.lastUsedAt).toEqual(expect.any(String));

    // A write token is the admin without a cookie: no CSRF Origin check applies.
    const { token } = await createToken(admin, { name: 'ci write' });
    const made = await api(
      'POST',
      '/api/v1/users',
      { username: 'frank', password: USER_PASSWORD, role: 'viewer' },
      { ...bearer(token), origin: 'https://elsewhere.example' },
    );
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ id: expect.any(String), username: 'frank' });
    // The same write with the cookie from a foreign Origin is refused.
    const csrf = await api(
      'POST',
      '/api/v1/users',
      { username: 'frank2', password: USER_PASSWORD, role: 'viewer' },
      { ...as(admin), origin: 'https://elsewhere.example' },
    );
    expect(csrf.status).toBe(403);
  });

  it('refuses revoked, expired and unknown tokens with 401', async () => {
    const a = await createToken(admin, { name: 'to revoke' });
    expect((await api('DELETE', `/api/v1/api-tokens/${a.id}`, undefined, as(admin))).status).toBe(204);
    expect((await api('GET', '/api/v1/auth/me', undefined, bearer(a.token))).status).toBe(401);
    const listed = await api('GET', '/api/v1/api-tokens', undefined, as(admin));
    expect((listed.body.items as Json[]).find((t) => t.id === a.id)?.revokedAt).toEqual(expect.any(String));

    const b = await createToken(admin, { name: 'to expire', expiresInSec: 60 });
    expect((await api('GET', '/api/v1/auth/me', undefined, bearer(b.token))).status).toBe(200);
    await server.ctx.db
      .updateTable('api_tokens')
      .set({ expires_at: Date.now() - 1 })
      .where('id', '=', b.id)
      .execute();
    expect((await api('GET', '/api/v1/auth/me', undefined, bearer(b.token))).status).toBe(401);
    expect((await api('GET', '/api/v1/auth/me', undefined, bearer('lmt_forged'))).status).toBe(401);
    expect((await api('POST', '/api/v1/api-tokens', { name: 'x', expiresInSec: 1 }, as(admin))).status).toBe(
      400,
    );
  });

  it('lets users manage only their own tokens; admins may list all', async () => {
    await createUser('gina', 'viewer');
    await createUser('hank', 'viewer');
    const gina = await login('gina', USER_PASSWORD);
    const hank = await login('hank', USER_PASSWORD);
    const mine = await createToken(gina, { name: 'gina token', scope: 'read' });
    const own = await api('GET', '/api/v1/api-tokens', undefined, as(gina));
    expect((own.body.items as Json[]).map((t) => t.name)).toEqual(['gina token']);
    expect((await api('GET', '/api/v1/api-tokens', undefined, as(hank))).body.total).toBe(0);
    expect((await api('GET', '/api/v1/api-tokens?all=true', undefined, as(hank))).status).toBe(403);
    expect((await api('DELETE', `/api/v1/api-tokens/${mine.id}`, undefined, as(hank))).status).toBe(404);
    const all = await api('GET', '/api/v1/api-tokens?all=true&limit=1000', undefined, as(admin));
    expect((all.body.items as Json[]).some((t) => t.id === mine.id)).toBe(true);
    // A viewer's token carries the viewer's role, whatever its scope.
    const w = await createToken(gina, { name: 'gina write', scope: 'write' });
    expect((await api('GET', '/api/v1/users', undefined, bearer(w.token))).status).toBe(403);
    expect((await api('DELETE', `/api/v1/api-tokens/${mine.id}`, undefined, as(admin))).status).toBe(204);
    expect((await api('GET', '/api/v1/auth/me', undefined, bearer(mine.token))).status).toBe(401);
  });

  it('audits every change with actor, target and IP, filterable, newest first', async () => {
    const id = await createUser('ivy', 'viewer');
    await api('PATCH', `/api/v1/users/${id}`, { role: 'operator' }, as(admin));
    await api('DELETE', `/api/v1/users/${id}`, undefined, as(admin));
    const res = await api('GET', `/api/v1/audit?target=${id}`, undefined, as(admin));
    expect(res.status).toBe(200);
    const items = res.body.items as Json[];
    expect(items.map((e) => e.action)).toEqual(['user.delete', 'user.update', 'user.create']);
    expect(items[0]).toMatchObject({
      actorType: 'user',
      actorName: 'admin',
      targetType: 'user',
      targetId: id,
      ip: '127.0.0.1',
      at: expect.any(String),
    });
    expect(items[1]?.details).toMatchObject({ changes: { role: { from: 'viewer', to: 'operator' } } });

    const prefix = await api('GET', '/api/v1/audit?action=token.&limit=1000', undefined, as(admin));
    const actions = new Set((prefix.body.items as Json[]).map((e) => e.action));
    expect([...actions].sort()).toEqual(['token.create', 'token.revoke']);
    const logins = await api('GET', '/api/v1/audit?action=auth.&actor=erin', undefined, as(admin));
    const loginActions = new Set((logins.body.items as Json[]).map((e) => e.action));
    expect(loginActions).toEqual(
      new Set(['auth.login', 'auth.login_failed', 'auth.password_change', 'auth.password_change_failed']),
    );
    const failed = await api(
      'GET',
      '/api/v1/audit?action=auth.login_failed&target=dave',
      undefined,
      as(admin),
    );
    expect(failed.body.total).toBeGreaterThanOrEqual(1);

    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await api('GET', `/api/v1/audit?from=${future}`, undefined, as(admin))).body.total).toBe(0);
    const past = new Date(Date.now() - 3600_000).toISOString();
    expect((await api('GET', `/api/v1/audit?to=${past}`, undefined, as(admin))).body.total).toBe(0);
    const page = await api('GET', '/api/v1/audit?limit=2&offset=1', undefined, as(admin));
    expect((page.body.items as Json[]).length).toBe(2);
    expect(page.body.total).toBeGreaterThan(3);
    expect((await api('GET', '/api/v1/audit?from=yesterday', undefined, as(admin))).status).toBe(400);
  });

  it('treats SQL injection in every filter and sort parameter as plain data', async () => {
    const countUsers = async () =>
      Number(
        (
          await server.ctx.db
            .selectFrom('users')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await countUsers();
    const attacks = [
      "' OR '1'='1",
      "' OR 1=1 --",
      "admin' --",
      "'; DROP TABLE users; --",
      '"; DROP TABLE audit_log; --',
      '1); DELETE FROM users; --',
      '%',
      '_',
      '\\',
      "' UNION SELECT password_hash FROM users --",
      'username; DROP TABLE users',
      'username desc, (select 1)',
    ];
    // Every parameter of every list route, read from the schemas so that a new one is covered too.
    const endpoints: Record<string, string[]> = {
      '/api/v1/users': Object.keys(UserListQuery.shape),
      '/api/v1/audit': Object.keys(AuditQuery.shape),
      '/api/v1/api-tokens': Object.keys(ApiTokenListQuery.shape),
      '/api/v1/computers': Object.keys(ComputerListQuery.shape),
      '/api/v1/enrollment-tokens': Object.keys(EnrollmentTokenListQuery.shape),
    };
    expect(endpoints['/api/v1/computers']).toContain('sort');
    for (const [path, params] of Object.entries(endpoints)) {
      for (const param of params) {
        for (const attack of attacks) {
          const res = await api(
            'GET',
            `${path}?${param}=${encodeURIComponent(attack)}`,
            undefined,
            as(admin),
          );
          expect(res.status, `${path}?${param}=${attack}`).not.toBe(500);
          if (res.status === 200) {
            expect(res.body.items, `${path}?${param}=${attack}`).toEqual([]);
          } else {
            expect(res.status, `${path}?${param}=${attack}`).toBe(400);
          }
        }
      }
    }
    expect(await countUsers()).toBe(before);
    expect((await api('GET', '/api/v1/audit?limit=1', undefined, as(admin))).status).toBe(200);
    await login('admin', PASSWORD);
  });
});
