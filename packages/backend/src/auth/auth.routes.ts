import { LoginRequest, LoginResponse, MeResponse, PasswordChange, type User } from '@labmgr/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { UserRow } from '../users/user.repository.js';
import { ANY_USER, currentUser, PUBLIC } from './access.js';
import { SESSION_COOKIE, SESSION_TTL_MS } from './auth.service.js';

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    lastLoginAt: row.last_login_at === null ? null : new Date(row.last_login_at).toISOString(),
  };
}

export function authRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/v1/auth/login',
      { config: { access: PUBLIC }, schema: { body: LoginRequest, response: { 200: LoginResponse } } },
      async (req, reply) => {
        const { user, sessionToken } = await ctx.auth.login(req.body.username, req.body.password, {
          ip: req.ip,
          userAgent: req.headers['user-agent'] ?? null,
        });
        reply.setCookie(SESSION_COOKIE, sessionToken, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: req.protocol === 'https',
          maxAge: SESSION_TTL_MS / 1000,
        });
        return { user: toUser(user) };
      },
    );

    app.post(
      '/api/v1/auth/logout',
      { config: { access: ANY_USER }, schema: { response: { 204: z.null() } } },
      async (req, reply) => {
        const p = req.principal;
        if (p?.kind === 'user' && p.sessionId) await ctx.auth.logout(p.sessionId, p.user.id, req.ip);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v1/auth/me',
      { config: { access: ANY_USER }, schema: { response: { 200: MeResponse } } },
      async (req) => ({ user: toUser(currentUser(req)) }),
    );

    app.post(
      '/api/v1/auth/password',
      { config: { access: ANY_USER }, schema: { body: PasswordChange, response: { 204: z.null() } } },
      async (req, reply) => {
        const p = req.principal;
        await ctx.auth.changePassword(currentUser(req), req.body.currentPassword, req.body.newPassword, {
          ip: req.ip,
          sessionId: p?.kind === 'user' ? p.sessionId : null,
        });
        return reply.status(204).send(null);
      },
    );
  };
}
