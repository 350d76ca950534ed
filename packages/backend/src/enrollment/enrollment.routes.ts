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
import { AttemptLimiter } from '../auth/login-limiter.js';
import type { AppContext } from '../context.js';
import { ApiError, tooManyAttempts } from '../http/errors.js';

export function enrollmentRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  // Enrollment is unauthenticated by design; limit guessing per source address
  // (the attempt is counted before the token is checked, so concurrent guesses count too).
  const limiter = new AttemptLimiter(20, 15 * 60_000);
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
        const relayUrl =
          ctx.config.relayUrl ??
          `${ctx.tls ? 'wss' : 'ws'}://${hostForUrl(req.hostname)}:${ctx.config.relayPort}/agent`;
        // An agent that enrolls over HTTPS would send its credential to a ws:// relay in clear.
        // A server misconfiguration, not a guess: refused before the limiter and the token are
        // looked at, so the token stays unused.
        if ((req.protocol === 'https' || ctx.tls) && !relayUrl.toLowerCase().startsWith('wss://')) {
          const message =
            `this server is reached over HTTPS but would hand agents the relay URL ${relayUrl}, which is not ` +
            'encrypted; the administrator must set LABMGR_RELAY_URL=wss://<relay host>:<port>/agent';
          req.log.error({ relayUrl }, `enrollment refused: ${message}`);
          throw new ApiError(503, 'relay_url_insecure', message);
        }
        const wait = limiter.reserve(req.ip);
        if (wait > 0) throw tooManyAttempts('failed enrollments', wait);
        try {
          const enrolled = await ctx.enrollment.enroll(req.body, relayUrl, req.ip);
          limiter.cancel(req.ip);
          return enrolled;
        } catch (err) {
          // Only a wrong token counts as a guess.
          if (!(err instanceof ApiError && err.statusCode === 401)) limiter.cancel(req.ip);
          throw err;
        }
      },
    );
  };
}

function hostForUrl(hostname: string): string {
  return hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
}
