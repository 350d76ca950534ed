import {
  AgentAuthRequest,
  AgentAuthResponse,
  IngestBatch,
  IngestItem,
  IngestResult,
  PresenceBody,
} from '@labmgr/protocol';
import { checkAgentDataFrame } from '@labmgr/protocol/compiled';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentRelay, RELAY } from '../auth/access.js';
import type { AppContext } from '../context.js';

/** The batch with its frames left unchecked: zod checks this envelope only. */
const IngestEnvelope = IngestBatch.extend({
  items: z
    .array(IngestItem.extend({ frame: z.unknown() }))
    .min(1)
    .max(10_000),
});

/**
 * The ingest body is checked against `IngestBatch`: zod checks the envelope,
 * the frames go through the protocol's compiled validators (the same schemas,
 * compiled ahead of time) — zod spent ~25 µs per sample here, more than storing
 * it. A body either check refuses goes through the full zod schema, so errors
 * keep their `body.items.N.field` naming and zod has the last word.
 */
const ingestValidatorCompiler: FastifySchemaCompiler<FastifySchema> = (route) => {
  const full = validatorCompiler(route as never) as (data: unknown) => unknown;
  if (route.httpPart !== 'body') return full as never;
  return ((data: unknown) => {
    const envelope = IngestEnvelope.safeParse(data);
    if (envelope.success && envelope.data.items.every((item) => checkAgentDataFrame(item.frame).ok))
      return { value: envelope.data };
    return full(data);
  }) as never;
};

/** Routes only relays call, with their service token. */
export function internalRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    // Only relays reach these routes (service token, checked before the body is
    // used) and every body is then validated field by field: plain JSON.parse
    // instead of Fastify's prototype-poisoning scan, which cost an eighth of
    // the ingest route's time. Nothing here merges a body into another object.
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (err) {
        done(
          Object.assign(new Error(`body is not valid JSON: ${(err as Error).message}`), { statusCode: 400 }),
        );
      }
    });
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
        validatorCompiler: ingestValidatorCompiler,
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
