import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ErrorBody, RelayHealth } from '@labmgr/protocol';
import type { Logger } from 'pino';

/**
 * Plain HTTP requests on the relay port: `GET /healthz`, and a JSON 404 for
 * everything else (the agent endpoint is only reachable by upgrade).
 */
export function createRequestListener(health: () => RelayHealth, logger: Logger): RequestListener {
  return (req, res) => {
    try {
      route(req, res, health);
    } catch (err) {
      logger.error({ err, url: req.url }, 'request handler failed');
      if (!res.headersSent) sendJson(res, 500, error('internal', 'internal error'));
      else res.destroy();
    }
  };
}

function route(req: IncomingMessage, res: ServerResponse, health: () => RelayHealth): void {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
    sendJson(res, 200, health());
  } else if (path === '/agent') {
    sendJson(res, 404, error('not_found', '/agent accepts WebSocket upgrades only'));
  } else {
    sendJson(res, 404, error('not_found', `no route for ${req.method ?? 'GET'} ${path?.slice(0, 200)}`));
  }
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
