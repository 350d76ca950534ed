import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '@labmgr/protocol';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import {
  type Access,
  ADMIN,
  ANY_USER,
  OPERATOR,
  PUBLIC,
  READ_METHODS,
  RELAY,
  type RouteAccess,
  routeAccessTable,
} from '../src/auth/access.js';
import { loadConfig } from '../src/config.js';
import { type AppContext, createContext } from '../src/context.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { bootstrapAdmin } from '../src/users/bootstrap-admin.js';
import { databases } from './databases.js';

const PASSWORD = 'correct horse battery staple';

/**
 * The access policy, written down independently of the routes: every route the
 * server registers must be here with exactly this access, so a route added
 * without `config.access`, or with a different one, fails this test. HEAD
 * routes mirror their GET.
 */
const POLICY: Record<string, Access> = {
  'GET /api/v1/health': PUBLIC,
  'GET /api/v1/openapi.json': PUBLIC,
  'POST /api/v1/auth/login': PUBLIC,
  'POST /api/v1/auth/logout': ANY_USER,
  'GET /api/v1/auth/me': ANY_USER,
  'POST /api/v1/auth/password': ANY_USER,
  'POST /api/v1/agents/enroll': PUBLIC,
  // The agent's code is useless without an enrollment token, and a computer has no credentials before it enrolls.
  'GET /api/v1/agent-package': PUBLIC,
  'GET /api/v1/agent-package/install.sh': PUBLIC,
  'GET /api/v1/agent-package/files/package.json': PUBLIC,
  'GET /api/v1/agent-package/files/bin/package.json': PUBLIC,
  'GET /api/v1/agent-package/files/bin/labmgr-agent.js': PUBLIC,
  'GET /api/v1/agent-package/files/dist/labmgr-agent.cjs': PUBLIC,
  'GET /api/v1/computers': ANY_USER,
  'GET /api/v1/computers/:id': ANY_USER,
  'PATCH /api/v1/computers/:id': ADMIN,
  'GET /api/v1/computers/:id/metrics': ANY_USER,
  // Live mode makes the agent sample faster for a while: watching, not operating.
  'POST /api/v1/computers/:id/live-mode': ANY_USER,
  'POST /api/v1/computers/:id/revoke': ADMIN,
  'POST /api/v1/enrollment-tokens': ADMIN,
  'GET /api/v1/enrollment-tokens': ADMIN,
  'DELETE /api/v1/enrollment-tokens/:id': ADMIN,
  'GET /api/v1/relays': ADMIN,
  'POST /api/v1/relays': ADMIN,
  'DELETE /api/v1/relays/:id': ADMIN,
  'GET /api/v1/live': ANY_USER,
  'POST /api/v1/internal/agent-auth': RELAY,
  'POST /api/v1/internal/ingest': RELAY,
  'POST /api/v1/internal/presence': RELAY,
  'POST /api/v1/internal/relays/register': RELAY,
  'POST /api/v1/internal/message-status': RELAY,
  'GET /api/v1/users': ADMIN,
  'POST /api/v1/users': ADMIN,
  'GET /api/v1/users/:id': ADMIN,
  'PATCH /api/v1/users/:id': ADMIN,
  'DELETE /api/v1/users/:id': ADMIN,
  'GET /api/v1/api-tokens': ANY_USER,
  'POST /api/v1/api-tokens': ANY_USER,
  'DELETE /api/v1/api-tokens/:id': ANY_USER,
  'GET /api/v1/audit': ADMIN,
  'GET /api/v1/labs': ANY_USER,
  'POST /api/v1/labs': ADMIN,
  'GET /api/v1/labs/:id': ANY_USER,
  'PATCH /api/v1/labs/:id': ADMIN,
  'DELETE /api/v1/labs/:id': ADMIN,
  'POST /api/v1/labs/:id/seats': ADMIN,
  // Running commands is operating; the job history is for everyone signed in to read.
  'POST /api/v1/commands': OPERATOR,
  'GET /api/v1/commands': ANY_USER,
  'GET /api/v1/commands/:id': ANY_USER,
  'POST /api/v1/commands/:id/cancel': OPERATOR,
  'POST /api/v1/commands/:id/rerun': OPERATOR,
  // The script library is code that runs on the fleet: operators keep it, everyone reads it.
  'GET /api/v1/scripts': ANY_USER,
  'POST /api/v1/scripts': OPERATOR,
  'GET /api/v1/scripts/:id': ANY_USER,
  'PATCH /api/v1/scripts/:id': OPERATOR,
  'DELETE /api/v1/scripts/:id': OPERATOR,
  'GET /api/v1/scripts/:id/versions': ANY_USER,
};

/** Whole subtrees with one access: Swagger UI's page, assets and its copy of the document. */
const PREFIX_POLICY: [string, Access][] = [['/api/docs', PUBLIC]];

function policyFor(method: string, url: string): Access | undefined {
  const exact = POLICY[`${method === 'HEAD' ? 'GET' : method} ${url}`];
  if (exact) return exact;
  return PREFIX_POLICY.find(([prefix]) => url === prefix || url.startsWith(`${prefix}/`))?.[1];
}

const ACCESS_NAMES = new Map<Access, string>([
  [PUBLIC, 'PUBLIC'],
  [RELAY, 'RELAY'],
  [ANY_USER, 'ANY_USER'],
  [OPERATOR, 'OPERATOR'],
  [ADMIN, 'ADMIN'],
]);
const describeAccess = (a: Access | undefined): string =>
  a === undefined ? 'none' : (ACCESS_NAMES.get(a) ?? JSON.stringify(a));

type Caller =
  | { name: string; kind: 'anonymous' }
  | { name: string; kind: 'relay'; headers: Record<string, string> }
  | {
      name: string;
      kind: 'user';
      role: Role;
      scope: 'read' | 'write';
      /** Cookie callers re-sign-in when a call (logout) ended their session. */
      login?: () => Promise<string>;
      headers: Record<string, string>;
    };

type Verdict = 'allowed' | 401 | 403;

/** What the access rules say `caller` gets from a route declared with `access`. */
function expectedVerdict(access: Access, method: string, caller: Caller): Verdict {
  if (access.kind === 'public') return 'allowed';
  if (caller.kind === 'anonymous') return 401;
  if (access.kind === 'relay') return caller.kind === 'relay' ? 'allowed' : 403;
  if (caller.kind !== 'user') return 403;
  if (!access.roles.includes(caller.role)) return 403;
  if (caller.scope === 'read' && !READ_METHODS.has(method)) return 403;
  return 'allowed';
}

function errorCodeOf(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

describe.each(databases)('route × role access matrix on $name', (database) => {
  let app: FastifyInstance;
  let ctx: AppContext;
  let dataDir: string;
  let drop: () => Promise<void>;
  let destroy: () => Promise<void>;
  let routes: readonly RouteAccess[];
  const callers: Caller[] = [];

  const inject = (opts: InjectOptions) => app.inject(opts);
  const login = async (username: string, password: string): Promise<string> => {
    const res = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies[0];
    if (!cookie) throw new Error('no session cookie');
    return `${cookie.name}=${cookie.value}`;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'labmgr-matrix-'));
    const db = await database.create();
    drop = db.drop;
    const cfg = {
      ...loadConfig({ LABMGR_DATA_DIR: dataDir, LABMGR_PORT: '0', LABMGR_HOST: '127.0.0.1' }),
      databaseUrl: db.url,
      adminPassword: PASSWORD,
      webDir: join(dataDir, 'no-web'),
    };
    const handle = openDatabase(cfg);
    destroy = () => handle.db.destroy();
    await migrateToLatest(handle.db);
    ctx = createContext(cfg, handle.db, handle.kind);
    await bootstrapAdmin(ctx.users, ctx.audit, PASSWORD);
    app = await buildApp(ctx, pino({ level: 'silent' }));
    await app.ready();
    routes = routeAccessTable(app);

    const adminRow = await ctx.users.findByUsername('admin');
    if (!adminRow) throw new Error('no admin');
    const actor = { user: adminRow, ip: '127.0.0.1' };
    const viewerRow = await ctx.userService.create(
      { username: 'm-viewer', password: PASSWORD, role: 'viewer' },
      actor,
    );
    await ctx.userService.create({ username: 'm-operator', password: PASSWORD, role: 'operator' }, actor);
    const token = async (owner: typeof adminRow, scope: 'read' | 'write') =>
      (
        await ctx.apiTokenService.create(
          owner,
          { name: `matrix ${scope}`, scope, expiresInSec: null },
          '127.0.0.1',
        )
      ).token;
    const relay = await ctx.relayService.create('matrix-relay', { type: 'system', id: null });

    const cookieCaller = async (username: string, role: Role): Promise<Caller> => {
      const relogin = () => login(username, PASSWORD);
      return {
        name: role,
        kind: 'user',
        role,
        scope: 'write',
        login: relogin,
        headers: { cookie: await relogin() },
      };
    };
    callers.push(
      { name: 'anonymous', kind: 'anonymous' },
      { name: 'relay token', kind: 'relay', headers: { authorization: `Bearer ${relay.token}` } },
      await cookieCaller('m-viewer', 'viewer'),
      await cookieCaller('m-operator', 'operator'),
      await cookieCaller('admin', 'admin'),
      {
        name: 'admin read token',
        kind: 'user',
        role: 'admin',
        scope: 'read',
        headers: { authorization: `Bearer ${await token(adminRow, 'read')}` },
      },
      {
        name: 'admin write token',
        kind: 'user',
        role: 'admin',
        scope: 'write',
        headers: { authorization: `Bearer ${await token(adminRow, 'write')}` },
      },
      {
        name: 'viewer write token',
        kind: 'user',
        role: 'viewer',
        scope: 'write',
        headers: { authorization: `Bearer ${await token(viewerRow, 'write')}` },
      },
    );
  });

  afterAll(async () => {
    await app?.close();
    await destroy?.();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('collects the routes, HEAD included', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.some((r) => r.method === 'HEAD' && r.url === '/api/v1/users')).toBe(true);
  });

  it('declares an access rule on every API route, exactly as the policy says', () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const r of routes) {
      if (!r.url.startsWith('/api/')) {
        problems.push(`${r.method} ${r.url}: outside /api/, where the access hook does not look`);
        continue;
      }
      seen.add(`${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`);
      const want = policyFor(r.method, r.url);
      if (!want)
        problems.push(
          `${r.method} ${r.url}: not in the test's POLICY table (declared ${describeAccess(r.access)})`,
        );
      else if (r.access !== want && JSON.stringify(r.access) !== JSON.stringify(want)) {
        problems.push(
          `${r.method} ${r.url}: declared ${describeAccess(r.access)}, policy ${describeAccess(want)}`,
        );
      }
    }
    for (const key of Object.keys(POLICY))
      if (!seen.has(key)) problems.push(`${key}: in POLICY, not registered`);
    expect(problems).toEqual([]);
  });

  it('answers every route × caller as its declared access says', async () => {
    const mismatches: string[] = [];
    let calls = 0;
    for (const route of routes) {
      if (!route.url.startsWith('/api/')) continue;
      // The policy decides what the answer must be; a route it does not know is held to its declaration.
      const access = policyFor(route.method, route.url) ?? route.access;
      const url = route.url.replace(/:[A-Za-z_]+/g, randomUUID()).replace(/\*/g, 'x');
      const hasBody = route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH';
      for (const caller of callers) {
        // The WebSocket route: only its refusals are checked here (the API suite does the upgrade).
        const want: Verdict | 'refused-500' = access
          ? expectedVerdict(access, route.method, caller)
          : 'refused-500';
        if (route.websocket && want === 'allowed') continue;
        const res = await inject({
          method: route.method,
          url,
          headers: {
            ...(caller.kind === 'anonymous' ? {} : caller.headers),
            ...(hasBody ? { 'content-type': 'application/json' } : {}),
          },
          // A JSON string is no route's body: allowed calls stop at validation, harming nothing.
          ...(hasBody ? { payload: '"access-matrix"' } : {}),
        });
        calls += 1;
        const code = res.statusCode;
        // HEAD answers carry no body: there the status alone tells.
        const errorCode =
          route.method === 'HEAD' ? { 401: 'unauthorized', 403: 'forbidden' }[code] : errorCodeOf(res.body);
        const got: Verdict | 'other' =
          code === 401 && errorCode === 'unauthorized'
            ? 401
            : code === 403 && errorCode === 'forbidden'
              ? 403
              : code === 401 || code === 403 || code >= 500
                ? 'other'
                : 'allowed';
        if (got !== want) {
          mismatches.push(
            `${route.method} ${route.url} as ${caller.name}: got ${code} ${errorCode ?? ''}, want ${want}`,
          );
        }
        // A call that ended a session (logout) must not spoil the next route's answers.
        if (caller.kind === 'user' && caller.login && route.method !== 'GET' && route.method !== 'HEAD') {
          const me = await inject({ method: 'GET', url: '/api/v1/auth/me', headers: caller.headers });
          if (me.statusCode === 401) caller.headers = { cookie: await caller.login() };
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(calls).toBeGreaterThan(routes.length * 4);
  });

  it('refuses a route without an access rule (fail closed)', async () => {
    // A fresh app with one undeclared route: the hook must refuse it for everyone.
    const probe = await buildApp(ctx, pino({ level: 'silent' }));
    probe.get('/api/v1/undeclared-probe', async () => ({ leaked: true }));
    await probe.ready();
    expect(routeAccessTable(probe).find((r) => r.url === '/api/v1/undeclared-probe')?.access).toBeUndefined();
    for (const caller of callers) {
      const res = await probe.inject({
        method: 'GET',
        url: '/api/v1/undeclared-probe',
        headers: caller.kind === 'anonymous' ? {} : caller.headers,
      });
      expect(res.statusCode, caller.name).toBe(500);
      expect(res.body).not.toContain('leaked');
    }
    await probe.close();
  });
});
