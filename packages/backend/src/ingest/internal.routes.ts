import {
  AgentAuthRequest,
  AgentAuthResponse,
  IngestBatch,
  IngestResult,
  PresenceBody,
} from '@labmgr/protocol';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentRelay, RELAY } from '../auth/access.js';
import type { AppContext } from '../context.js';
import { checkIngestBody } from './ingest-body.js';

/**
 * The ingest body is checked against `IngestBatch` without zod on the way in
 * (checkIngestBody: the envelope by hand, the frames by the protocol's
 * compiled validators, the same schemas compiled ahead of time): zod cost
 * ~25 µs per sample here, more than storing it. A body that check refuses goes
 * through the full zod schema, so errors keep their `body.items.N.field`
 * naming and zod has the last word.
 */
const ingestValidatorCompiler: FastifySchemaCompiler<FastifySchema> = (route) => {
  const full = validatorCompiler(route as never) as (data: unknown) => unknown;
  if (route.httpPart !== 'body') return full as never;
  return ((data: unknown) => {
    const batch = checkIngestBody(data);
    return batch ? { value: batch } : full(data);
  }) as never;
};

/**
 * The ingest answer is built by the service from stored seqs and checked by
 * its types: written out without re-validating each of its acks.
 */
const ingestSerializerCompiler = () => (data: unknown) => JSON.stringify(data);

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
        serializerCompiler: ingestSerializerCompiler,
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
