import type { Role } from '@labmgr/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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
export const ANY_USER: Access = { kind: 'user', roles: ['admin', 'operator', 'viewer'] };
export const ADMIN: Access = { kind: 'user', roles: ['admin'] };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type Principal =
  | { kind: 'user'; user: UserRow; sessionId: string | null }
  | { kind: 'relay'; relay: RelayRow };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface Authenticator {
  /** Resolves the caller from the session cookie or `Authorization: Bearer`, or null. */
  authenticate(req: FastifyRequest): Promise<Principal | null>;
}

export function installAccessControl(app: FastifyInstance, auth: Authenticator): void {
  app.decorateRequest('principal', null);
  app.addHook('preValidation', async (req) => {
    const access = req.routeOptions.config.access;
    // Unmatched URLs (404s, static files) carry no route config of ours.
    if (!req.routeOptions.url || req.routeOptions.url.startsWith('/api/') === false) return;
    if (!access) throw new ApiError(500, 'internal', 'route has no access rule');
    if (access.kind === 'public') return;
    const principal = await auth.authenticate(req);
    if (!principal) throw unauthorized();
    req.principal = principal;
    if (access.kind === 'relay') {
      if (principal.kind !== 'relay') throw forbidden('only relays may call this route');
      return;
    }
    if (principal.kind !== 'user') throw forbidden('relay tokens may only call internal routes');
    if (!access.roles.includes(principal.user.role)) throw forbidden();
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

export function currentUser(req: FastifyRequest): UserRow {
  if (req.principal?.kind !== 'user') throw unauthorized();
  return req.principal.user;
}

export function currentRelay(req: FastifyRequest): RelayRow {
  if (req.principal?.kind !== 'relay') throw unauthorized();
  return req.principal.relay;
}
