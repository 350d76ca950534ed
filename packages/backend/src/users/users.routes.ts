import { UserCreate, UserDetail, UserIdParams, UserList, UserListQuery, UserUpdate } from '@labmgr/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ADMIN, userActor } from '../auth/access.js';
import type { AppContext } from '../context.js';
import { notFound } from '../http/errors.js';
import { toUserDetail } from './user.service.js';

/** `/api/v1/users`: administrators list, create, change and delete users. */
export function userRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/v1/users',
      { config: { access: ADMIN }, schema: { querystring: UserListQuery, response: { 200: UserList } } },
      async (req) => {
        const { rows, total } = await ctx.users.list(req.query);
        return { items: rows.map(toUserDetail), total };
      },
    );

    app.post(
      '/api/v1/users',
      { config: { access: ADMIN }, schema: { body: UserCreate, response: { 201: UserDetail } } },
      async (req, reply) => {
        const row = await ctx.userService.create(req.body, userActor(req));
        return reply.status(201).send(toUserDetail(row));
      },
    );

    app.get(
      '/api/v1/users/:id',
      { config: { access: ADMIN }, schema: { params: UserIdParams, response: { 200: UserDetail } } },
      async (req) => {
        const row = await ctx.users.findById(req.params.id);
        if (!row) throw notFound('user');
        return toUserDetail(row);
      },
    );

    app.patch(
      '/api/v1/users/:id',
      {
        config: { access: ADMIN },
        schema: { params: UserIdParams, body: UserUpdate, response: { 200: UserDetail } },
      },
      async (req) => {
        const row = await ctx.userService.update(req.params.id, req.body, userActor(req));
        return toUserDetail(row);
      },
    );

    app.delete(
      '/api/v1/users/:id',
      { config: { access: ADMIN }, schema: { params: UserIdParams, response: { 204: z.null() } } },
      async (req, reply) => {
        await ctx.userService.delete(req.params.id, userActor(req));
        return reply.status(204).send(null);
      },
    );
  };
}
