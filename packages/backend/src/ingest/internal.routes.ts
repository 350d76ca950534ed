import {
  AgentAuthRequest,
  AgentAuthResponse,
  IngestBatch,
  IngestResult,
  PresenceBody,
} from '@labmgr/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentRelay, RELAY } from '../auth/access.js';
import type { AppContext } from '../context.js';

/** Routes only relays call, with their service token. */
export function internalRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/v1/internal/agent-auth',
      { config: { access: RELAY }, schema: { body: AgentAuthRequest, response: { 200: AgentAuthResponse } } },
      async (req) => ctx.relayService.checkAgent(currentRelay(req), req.body.credential),
    );

    app.post(
      '/api/v1/internal/ingest',
      {
        config: { access: RELAY },
        bodyLimit: 32 * 1024 * 1024,
        schema: { body: IngestBatch, response: { 200: IngestResult } },
      },
      async (req) => ctx.ingest.ingest(currentRelay(req), req.body),
    );

    app.post(
      '/api/v1/internal/presence',
      { config: { access: RELAY }, schema: { body: PresenceBody, response: { 204: z.null() } } },
      async (req, reply) => {
        await ctx.ingest.presence(currentRelay(req), req.body);
        return reply.status(204).send(null);
      },
    );
  };
}
