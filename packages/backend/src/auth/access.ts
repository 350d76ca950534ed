import type { Role } from '@labmgr/protocol';
import type { FastifyInstance, FastifyRequest, HTTPMethods } from 'fastify';
import { ApiError, forbidden, unauthorized } from '../http/errors.js';
import type { RelayRow } from '../relays/relay.repository.js';
import type { UserRow } from '../users/user.repository.js';

/**
 * Who may call a route, declared on the route itself (`config.access`).
 * A route without a declaration is refused, so a forgotten check fails closed.
 */
export type Access = { kind: 'public' } | { kind: 'relay' } | { kind: 'user'; roles: readonly Role[] };

export const PUBLIC: Access = { kind: 'public' };
export const RELAY: Access = { kind: 'relay' };
/** Every signed-in role: read-only routes and live mode. */
export const ANY_USER: Access = { kind: 'user', roles: ['admin', 'operator', 'viewer'] };
/** Operating actions (commands, …): operators and admins. */
export const OPERATOR: Access = { kind: 'user', roles: ['admin', 'operator'] };
export const ADMIN: Access = { kind: 'user', roles: ['admin'] };

/** Methods that change nothing: no CSRF check, and no refusal audit. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
/** What a `read`-scoped API token may call. */
export const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export type Principal =
  | {
      kind: 'user';
      user: UserRow;
      /** Set when the caller came with the session cookie. */
      sessionId: string | null;
      /** Set when the caller came with an API token (`Authorization: Bearer lmt_…`). */
      tokenId: string | null;
      /** A session is always `write`; a token has its own scope. */
      scope: 'read' | 'write';
    }
  | { kind: 'relay'; relay: RelayRow };

/** One registered route and who may call it: the table the route × role test walks. */
export interface RouteAccess {
  method: HTTPMethods;
  url: string;
  access: Access | undefined;
  websocket: boolean;
}

const routeTables = new WeakMap<FastifyInstance, RouteAccess[]>();

/** Every route registered after `installAccessControl`, with its declared access. */
export function routeAccessTable(app: FastifyInstance): readonly RouteAccess[] {
  return routeTables.get(app) ?? [];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** When the caller's credentials were checked (ms); a live socket joins only if none ended since. */
    authenticatedAt: number;
  }
}

export interface Authenticator {
  /** Resolves the caller from the session cookie or `Authorization: Bearer`, or null. */
  authenticate(req: FastifyRequest): Promise<Principal | null>;
}

export function installAccessControl(app: FastifyInstance, auth: Authenticator): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('authenticatedAt', 0);
  const table: RouteAccess[] = [];
  routeTables.set(app, table);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      table.push({
        method,
        url: route.url,
        // Read when asked: a plugin's own onRoute hook may still set the access after this one.
        get access() {
          return route.config?.access;
        },
        websocket: Boolean((route as { websocket?: boolean }).websocket),
      });
    }
  });
  app.addHook('preValidation', async (req) => {
    const access = req.routeOptions.config.access;
    // Unmatched URLs (404s, static files) carry no route config of ours.
    if (!req.routeOptions.url || req.routeOptions.url.startsWith('/api/') === false) return;
    if (!access) throw new ApiError(500, 'internal', 'route has no access rule');
    if (access.kind === 'public') return;
    req.authenticatedAt = Date.now();
    const principal = await auth.authenticate(req);
    if (!principal) throw unauthorized();
    req.principal = principal;
    if (access.kind === 'relay') {
      if (principal.kind !== 'relay') throw forbidden('only relays may call this route');
      return;
    }
    if (principal.kind !== 'user') throw forbidden('relay tokens may only call internal routes');
    if (!access.roles.includes(principal.user.role)) throw forbidden();
    if (principal.scope === 'read' && !READ_METHODS.has(req.method)) {
      throw forbidden('this API token is read-only');
    }
    // Cookie-authenticated writes must come from our own pages (CSRF); SameSite=Lax is the first line.
    if (principal.sessionId && !SAFE_METHODS.has(req.method)) {
      assertSameOrigin(req, 'request');
    }
  });
}

/**
 * Refuses a request whose `Origin` is not this server's own. Browsers always
 * send Origin on cross-site writes and WebSocket upgrades; scripts send none.
 */
export function assertSameOrigin(req: FastifyRequest, what: string): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `${req.protocol}://${req.host}`) {
    throw forbidden(`cross-origin ${what} from ${origin} refused`);
  }
}

/** Who changes something and from where: what services write to the audit log. */
export interface UserActor {
  user: UserRow;
  ip: string;
}

/** The signed-in user of `req` as the actor of a change. */
export function userActor(req: FastifyRequest): UserActor {
  return { user: currentUser(req), ip: req.ip };
}

export function currentUser(req: FastifyRequest): UserRow {
  if (req.principal?.kind !== 'user') throw unauthorized();
  return req.principal.user;
}

export function currentRelay(req: FastifyRequest): RelayRow {
  if (req.principal?.kind !== 'relay') throw unauthorized();
  return req.principal.relay;
}
