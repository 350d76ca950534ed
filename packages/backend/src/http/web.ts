import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './errors.js';

/** Vite names every file under assets/ by its content hash: a changed file gets a new name. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** index.html and the other unhashed files: revalidated on every use, so a rebuilt UI is picked up. */
export const REVALIDATE_CACHE = 'no-cache';

/**
 * Serves the built single-page app from `webDir`; unknown non-API GETs get
 * index.html so client-side routes survive a reload. The build writes a
 * brotli (`.br`) and a gzip (`.gz`) copy beside each text file; the browser
 * gets the best one its Accept-Encoding allows (`Vary: Accept-Encoding`),
 * the file as is otherwise. Hashed files under `assets/` are cached for a
 * year, everything else is revalidated (`no-cache`, answered 304 by ETag).
 */
export async function registerWeb(app: FastifyInstance, webDir: string): Promise<boolean> {
  const hasWeb = existsSync(join(webDir, 'index.html'));
  if (hasWeb) {
    const assetsDir = join(resolve(webDir), 'assets') + sep;
    await app.register(fastifyStatic, {
      root: webDir,
      // wildcard: files are looked up per request, so a rebuilt UI is served without a restart.
      wildcard: true,
      index: ['index.html'],
      preCompressed: true,
      cacheControl: false,
      setHeaders(reply, path) {
        // `path` is the file sent: for a compressed answer, the .br/.gz beside the named file.
        reply.header('cache-control', path.startsWith(assetsDir) ? IMMUTABLE_CACHE : REVALIDATE_CACHE);
      },
    });
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
