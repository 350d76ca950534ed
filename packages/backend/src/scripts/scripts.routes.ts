import {
  Script,
  ScriptCreate,
  ScriptIdParams,
  ScriptList,
  ScriptUpdate,
  ScriptVersionList,
} from '@labmgr/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ANY_USER, OPERATOR, userActor } from '../auth/access.js';
import type { AppContext } from '../context.js';
import { toScript } from './script.service.js';

/** `/api/v1/scripts`: everyone signed in reads the library; operators and admins keep it. */
export function scriptRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/v1/scripts',
      { config: { access: ANY_USER }, schema: { response: { 200: ScriptList } } },
      async () => {
        const rows = await ctx.scripts.list();
        return { items: rows.map(toScript), total: rows.length };
      },
    );

    app.post(
      '/api/v1/scripts',
      { config: { access: OPERATOR }, schema: { body: ScriptCreate, response: { 201: Script } } },
      async (req, reply) => reply.status(201).send(await ctx.scriptService.create(req.body, userActor(req))),
    );

    app.get(
      '/api/v1/scripts/:id',
      { config: { access: ANY_USER }, schema: { params: ScriptIdParams, response: { 200: Script } } },
      async (req) => ctx.scriptService.get(req.params.id),
    );

    app.patch(
      '/api/v1/scripts/:id',
      {
        config: { access: OPERATOR },
        schema: { params: ScriptIdParams, body: ScriptUpdate, response: { 200: Script } },
      },
      async (req) => ctx.scriptService.update(req.params.id, req.body, userActor(req)),
    );

    app.delete(
      '/api/v1/scripts/:id',
      { config: { access: OPERATOR }, schema: { params: ScriptIdParams, response: { 204: z.null() } } },
      async (req, reply) => {
        await ctx.scriptService.remove(req.params.id, userActor(req));
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v1/scripts/:id/versions',
      {
        config: { access: ANY_USER },
        schema: { params: ScriptIdParams, response: { 200: ScriptVersionList } },
      },
      async (req) => ctx.scriptService.versions(req.params.id),
    );
  };
}
