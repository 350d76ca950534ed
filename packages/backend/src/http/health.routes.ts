import { HealthResponse, PROTOCOL_VERSION } from '@labmgr/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PUBLIC } from '../auth/access.js';
import type { AppContext } from '../context.js';
import { SERVER_VERSION } from '../version.js';

export function healthRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/v1/health',
      { config: { access: PUBLIC }, schema: { response: { 200: HealthResponse } } },
      async () => ({
        status: 'ok' as const,
        version: SERVER_VERSION,
        protocolVersion: PROTOCOL_VERSION,
        database: ctx.dbKind,
        uptimeSec: (Date.now() - ctx.startedAt) / 1000,
      }),
    );
  };
}
