import {
  EnrollmentTokenCreate,
  EnrollmentTokenCreated,
  EnrollmentTokenIdParams,
  EnrollmentTokenList,
  EnrollmentTokenListQuery,
  EnrollRequest,
  EnrollResponse,
} from '@labmgr/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ADMIN, currentUser, PUBLIC, userActor } from '../auth/access.js';
import { LoginLimiter } from '../auth/login-limiter.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';

export function enrollmentRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  // Enrollment is unauthenticated by design; limit guessing per source address.
  const limiter = new LoginLimiter(20, 15 * 60_000);
  return async (app) => {
    app.post(
      '/api/v1/enrollment-tokens',
      {
        config: { access: ADMIN },
        schema: { body: EnrollmentTokenCreate, response: { 201: EnrollmentTokenCreated } },
      },
      async (req, reply) => {
        const user = currentUser(req);
        const created = await ctx.enrollment.createToken(req.body, { type: 'user', id: user.id, ip: req.ip });
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/api/v1/enrollment-tokens',
      {
        config: { access: ADMIN },
        schema: { querystring: EnrollmentTokenListQuery, response: { 200: EnrollmentTokenList } },
      },
      async (req) => ctx.enrollment.list(req.query),
    );

    app.delete(
      '/api/v1/enrollment-tokens/:id',
      { config: { access: ADMIN }, schema: { params: EnrollmentTokenIdParams, response: { 204: z.null() } } },
      async (req, reply) => {
        await ctx.enrollment.revoke(req.params.id, userActor(req));
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/v1/agents/enroll',
      { config: { access: PUBLIC }, schema: { body: EnrollRequest, response: { 200: EnrollResponse } } },
      async (req) => {
        if (limiter.blockedFor(req.ip) > 0)
          throw new ApiError(429, 'too_many_attempts', 'too many failed enrollments');
        const relayUrl =
          ctx.config.relayUrl ??
          `${ctx.tls ? 'wss' : 'ws'}://${hostForUrl(req.hostname)}:${ctx.config.relayPort}/agent`;
        try {
          return await ctx.enrollment.enroll(req.body, relayUrl, req.ip);
        } catch (err) {
          if (err instanceof ApiError && err.statusCode === 401) limiter.fail(req.ip);
          throw err;
        }
      },
    );
  };
}

function hostForUrl(hostname: string): string {
  return hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
}
