import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ErrorBody, RelayHealth } from '@labmgr/protocol';
import type { Logger } from 'pino';
import type { Readiness } from './readiness.js';

/** What the plain HTTP routes read from the relay. */
export interface RouteSources {
  health: () => RelayHealth;
  /** `/readyz`; omitted: the route answers 404. */
  readiness?: () => Promise<Readiness>;
  /** `/metrics` in Prometheus text; omitted: the route answers 404. */
  metrics?: { contentType: string; render: () => Promise<string> };
  /** When set, `/metrics` requires `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string | undefined;
  /** Serves `/control/...` (the backend's control API, which checks its own token); omitted: 404. */
  control?: RequestListener;
}

/**
 * Plain HTTP requests on the relay port: `GET /healthz` (liveness),
 * `GET /readyz` (readiness: 200, or 503 with the reason), `GET /metrics`
 * (Prometheus text), and a JSON 404 for everything else (the agent endpoint
 * is only reachable by upgrade).
 */
export function createRequestListener(
  sources: RouteSources | (() => RelayHealth),
  logger: Logger,
): RequestListener {
  const s: RouteSources = typeof sources === 'function' ? { health: sources } : sources;
  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    logger.error({ err, url: req.url }, 'request handler failed');
    if (!res.headersSent) sendJson(res, 500, error('internal', 'internal error'));
    else res.destroy();
  };
  return (req, res) => {
    try {
      if (s.control && req.url?.startsWith('/control/')) return s.control(req, res);
      route(req, res, s)?.catch((err: unknown) => fail(req, res, err));
    } catch (err) {
      fail(req, res, err);
    }
  };
}

function route(req: IncomingMessage, res: ServerResponse, s: RouteSources): Promise<void> | undefined {
  const path = (req.url ?? '/').split('?', 1)[0];
  const read = req.method === 'GET' || req.method === 'HEAD';
  if (path === '/healthz' && read) {
    sendJson(res, 200, s.health());
  } else if (path === '/readyz' && read && s.readiness) {
    return s.readiness().then((r) => {
      if (r.ready) sendJson(res, 200, { status: 'ready' });
      else sendJson(res, 503, error('not_ready', r.reason));
    });
  } else if (path === '/metrics' && read && s.metrics) {
    if (s.metricsToken !== undefined && !bearerMatches(req.headers.authorization, s.metricsToken)) {
      res.setHeader('www-authenticate', 'Bearer');
      sendJson(res, 401, error('unauthorized', '/metrics needs "Authorization: Bearer <metrics token>"'));
      return undefined;
    }
    const metrics = s.metrics;
    return metrics.render().then((text) => {
      res.writeHead(200, {
        'content-type': metrics.contentType,
        'content-length': Buffer.byteLength(text),
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : text);
    });
  } else if (path === '/agent') {
    sendJson(res, 404, error('not_found', '/agent accepts WebSocket upgrades only'));
  } else {
    sendJson(res, 404, error('not_found', `no route for ${req.method ?? 'GET'} ${path?.slice(0, 200)}`));
  }
  return undefined;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function error(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}
