import {
  ApiTokenCreate,
  ApiTokenCreated,
  ApiTokenIdParams,
  ApiTokenList,
  ApiTokenListQuery,
} from '@labmgr/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ANY_USER, currentUser } from '../auth/access.js';
import type { AppContext } from '../context.js';
import { forbidden } from '../http/errors.js';
import { toApiToken } from './api-token.service.js';

/** `/api/v1/api-tokens`: every signed-in user manages their own; admins may list and revoke all. */
export function apiTokenRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/v1/api-tokens',
      {
        config: { access: ANY_USER },
        schema: { querystring: ApiTokenListQuery, response: { 200: ApiTokenList } },
      },
      async (req) => {
        const user = currentUser(req);
        if (req.query.all && user.role !== 'admin') throw forbidden('only admins may list every token');
        const { rows, total } = await ctx.apiTokens.list(req.query.all ? null : user.id, req.query);
        return { items: rows.map(toApiToken), total };
      },
    );

    app.post(
      '/api/v1/api-tokens',
      {
        config: { access: ANY_USER },
        schema: { body: ApiTokenCreate, response: { 201: ApiTokenCreated } },
      },
      async (req, reply) => {
        const created = await ctx.apiTokenService.create(currentUser(req), req.body, req.ip);
        return reply.status(201).send(created);
      },
    );

    app.delete(
      '/api/v1/api-tokens/:id',
      {
        config: { access: ANY_USER },
        schema: { params: ApiTokenIdParams, response: { 204: z.null() } },
      },
      async (req, reply) => {
        await ctx.apiTokenService.revoke(currentUser(req), req.params.id, req.ip);
        return reply.status(204).send(null);
      },
    );
  };
}
