import { LiveCloseCode, type LiveEvent, PROTOCOL_VERSION } from '@labmgr/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ANY_USER, assertSameOrigin } from '../auth/access.js';
import type { AppContext } from '../context.js';

/**
 * `/api/v1/live`: pushes computer updates to signed-in browsers. The Origin
 * must be this server's own, so another site cannot ride a visitor's cookie
 * (cross-site WebSocket hijacking); clients without Origin (scripts) use a bearer token.
 */
export function liveRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/v1/live',
      {
        websocket: true,
        config: { access: ANY_USER },
        preHandler: async (req) => assertSameOrigin(req, 'live connection'),
      },
      (socket, req) => {
        const p = req.principal;
        if (p?.kind !== 'user') {
          socket.close(LiveCloseCode.credentialsEnded, 'sign in first');
          return;
        }
        ctx.live.add(
          socket,
          { userId: p.user.id, sessionId: p.sessionId, tokenId: p.tokenId },
          req.authenticatedAt,
        );
        if (socket.readyState !== socket.OPEN) return;
        const hello: LiveEvent = { type: 'hello', protocolVersion: PROTOCOL_VERSION, serverTime: Date.now() };
        socket.send(JSON.stringify(hello));
        // Browsers only listen; anything they send is ignored rather than parsed.
        socket.on('message', () => {});
      },
    );
  };
}
