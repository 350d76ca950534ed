import {
  ComputerList,
  LabCreate,
  LabIdParams,
  LabList,
  Lab as LabSchema,
  LabSeatsUpdate,
  LabUpdate,
} from '@labmgr/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ADMIN, ANY_USER, userActor } from '../auth/access.js';
import { toSummary } from '../computers/computer.presenter.js';
import type { AppContext } from '../context.js';
import { notFound } from '../http/errors.js';
import { toLab } from './lab.service.js';

/** `/api/v1/labs`: everyone signed in reads the rooms; administrators change them. */
export function labRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/v1/labs',
      { config: { access: ANY_USER }, schema: { response: { 200: LabList } } },
      async () => {
        const rows = await ctx.labs.list();
        return { items: rows.map(toLab), total: rows.length };
      },
    );

    app.post(
      '/api/v1/labs',
      { config: { access: ADMIN }, schema: { body: LabCreate, response: { 201: LabSchema } } },
      async (req, reply) =>
        reply.status(201).send(toLab(await ctx.labService.create(req.body, userActor(req)))),
    );

    app.get(
      '/api/v1/labs/:id',
      { config: { access: ANY_USER }, schema: { params: LabIdParams, response: { 200: LabSchema } } },
      async (req) => {
        const row = await ctx.labs.findById(req.params.id);
        if (!row) throw notFound('lab');
        return toLab(row);
      },
    );

    app.patch(
      '/api/v1/labs/:id',
      {
        config: { access: ADMIN },
        schema: { params: LabIdParams, body: LabUpdate, response: { 200: LabSchema } },
      },
      async (req) => toLab(await ctx.labService.update(req.params.id, req.body, userActor(req))),
    );

    app.delete(
      '/api/v1/labs/:id',
      { config: { access: ADMIN }, schema: { params: LabIdParams, response: { 204: z.null() } } },
      async (req, reply) => {
        await ctx.labService.delete(req.params.id, userActor(req));
        return reply.status(204).send(null);
      },
    );

    // Seat changes as one transaction: a swap by PATCHes would leave a computer unseated when one fails.
    app.post(
      '/api/v1/labs/:id/seats',
      {
        config: { access: ADMIN },
        schema: { params: LabIdParams, body: LabSeatsUpdate, response: { 200: ComputerList } },
      },
      async (req) => {
        const rows = await ctx.computerService.assignSeats(req.params.id, req.body, userActor(req));
        return { items: rows.map(toSummary), total: rows.length };
      },
    );
  };
}
