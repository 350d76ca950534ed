import {
  CommandCreate,
  CommandDetail,
  CommandIdParams,
  CommandList,
  CommandListQuery,
} from '@labmgr/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ANY_USER, OPERATOR, userActor } from '../auth/access.js';
import type { AppContext } from '../context.js';

/** `/api/v1/commands`: everyone signed in reads the job history; operators and admins run, cancel, re-run. */
export function commandRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/v1/commands',
      { config: { access: OPERATOR }, schema: { body: CommandCreate, response: { 201: CommandDetail } } },
      async (req, reply) => reply.status(201).send(await ctx.commandService.create(req.body, userActor(req))),
    );

    app.get(
      '/api/v1/commands',
      {
        config: { access: ANY_USER },
        schema: { querystring: CommandListQuery, response: { 200: CommandList } },
      },
      async (req) => ctx.commandService.list(req.query),
    );

    app.get(
      '/api/v1/commands/:id',
      { config: { access: ANY_USER }, schema: { params: CommandIdParams, response: { 200: CommandDetail } } },
      async (req) => ctx.commandService.get(req.params.id),
    );

    app.post(
      '/api/v1/commands/:id/cancel',
      { config: { access: OPERATOR }, schema: { params: CommandIdParams, response: { 200: CommandDetail } } },
      async (req) => ctx.commandService.cancel(req.params.id, userActor(req)),
    );

    app.post(
      '/api/v1/commands/:id/rerun',
      { config: { access: OPERATOR }, schema: { params: CommandIdParams, response: { 201: CommandDetail } } },
      async (req, reply) =>
        reply.status(201).send(await ctx.commandService.rerun(req.params.id, userActor(req))),
    );
  };
}
