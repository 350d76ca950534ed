import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './errors.js';

/**
 * Serves the built single-page app from `webDir`; unknown non-API GETs get
 * index.html so client-side routes survive a reload.
 */
export async function registerWeb(app: FastifyInstance, webDir: string): Promise<boolean> {
  const hasWeb = existsSync(join(webDir, 'index.html'));
  if (hasWeb) {
    // wildcard: files are looked up per request, so a rebuilt UI is served without a restart.
    await app.register(fastifyStatic, { root: webDir, wildcard: true, index: ['index.html'] });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (req.method === 'GET' && !path.startsWith('/api/')) {
      if (hasWeb) return reply.type('text/html').sendFile('index.html');
      return reply
        .status(503)
        .send(errorBody('web_not_built', `the web UI is not built in ${webDir}: run "npm run build"`));
    }
    return reply.status(404).send(errorBody('not_found', `no route for ${req.method} ${path}`));
  });
  return hasWeb;
}
