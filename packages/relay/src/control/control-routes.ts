import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  ComputerId,
  ControlBatch,
  ControlMessage,
  type ControlMessageResult,
  DisconnectRequest,
  type ErrorBody,
} from '@labmgr/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ControlService } from './control-service.js';

/** Largest accepted control request body (a batch of 10,000 signed commands fits). */
export const MAX_CONTROL_BODY_BYTES = 16 * 1024 * 1024;

export interface ControlRoutesDeps {
  relayId: string;
  /** The secret the backend must send as `Authorization: Bearer`. */
  token: string;
  control: ControlService;
  logger: Logger;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const AGENT_PATH = /^\/control\/v1\/agents\/([^/]+)(?:\/(messages|disconnect)(?:\/([^/]+))?)?$/;

/**
 * The relay control API under `/control/v1/` (same port as `/agent`), for
 * the backend only: every call needs the control token. Answers JSON, errors
 * as `{error:{code,message}}`; never throws.
 */
export function createControlRoutes(deps: ControlRoutesDeps): RequestListener {
  const expected = digest(deps.token);
  return (req, res) => {
    handle(req, res, deps, expected).catch((err: unknown) => {
      if (err instanceof HttpError) {
        // The rest of an oversized body is not read: end the connection with the answer.
        if (err.status === 413) res.setHeader('connection', 'close');
        sendJson(res, err.status, errorBody(err.code, err.message, err.details));
        return;
      }
      deps.logger.error({ err, url: req.url }, 'control request failed');
      if (!res.headersSent) sendJson(res, 500, errorBody('internal', 'internal error'));
      else res.destroy();
    });
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  deps: ControlRoutesDeps,
  expected: Buffer,
): Promise<void> {
  if (!authorized(req.headers.authorization, expected)) {
    res.setHeader('www-authenticate', 'Bearer');
    // The body is not read: end the connection with the answer.
    res.setHeader('connection', 'close');
    throw new HttpError(401, 'unauthorized', 'missing or wrong control token');
  }
  const { control } = deps;
  const method = req.method ?? 'GET';
  const path = (req.url ?? '/').split('?', 1)[0] ?? '/';

  if (path === '/control/v1/agents') {
    allow(method, 'GET');
    sendJson(res, 200, { relayId: deps.relayId, items: control.connectedAgents() });
    return;
  }
  if (path === '/control/v1/messages') {
    allow(method, 'POST');
    const batch = validate(ControlBatch, await readJson(req), 'body');
    const results: ControlMessageResult[] = batch.messages.map((m) => control.send(m));
    sendJson(res, 200, { results });
    return;
  }
  const m = AGENT_PATH.exec(path);
  if (m) {
    const computerId = validate(ComputerId, decode(m[1]), 'params.computerId');
    const [, , action, messageId] = m;
    if (action === 'messages' && messageId === undefined) {
      allow(method, 'POST');
      const body = validate(ControlMessage, await readJson(req), 'body');
      sendJson(res, 200, control.send({ ...body, computerId }));
      return;
    }
    if (action === 'messages' && messageId !== undefined) {
      allow(method, 'DELETE');
      const id = validate(ControlMessage.shape.messageId, decode(messageId), 'params.messageId');
      if (!control.cancel(computerId, id))
        throw new HttpError(404, 'not_found', 'no such message queued (delivered, expired or never queued)');
      sendJson(res, 200, { messageId: id, computerId, status: 'cancelled' });
      return;
    }
    if (action === 'disconnect') {
      allow(method, 'POST');
      const body = validate(DisconnectRequest, await readJson(req), 'body');
      const done = control.disconnect(computerId, body.reason);
      // Its cached credential verdicts are dropped all the same: its next connect is checked again.
      if (!done) throw new HttpError(404, 'unknown_agent', 'agent not connected to this relay');
      sendJson(res, 200, { computerId, status: 'disconnected', droppedMessages: done.droppedMessages });
      return;
    }
  }
  throw new HttpError(404, 'not_found', `no route for ${method} ${path.slice(0, 200)}`);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison (of digests, so lengths never differ). */
function authorized(header: string | undefined, expected: Buffer): boolean {
  const match = header === undefined ? null : /^Bearer (\S+)$/i.exec(header);
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1]), expected);
}

function allow(method: string, expected: string): void {
  if (method !== expected) throw new HttpError(405, 'method_not_allowed', `use ${expected}`);
}

function decode(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return '';
  }
}

function validate<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = result.error.issues.slice(0, 20).map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = fields[0];
  throw new HttpError(
    400,
    'validation_failed',
    first ? `${first.field}: ${first.message}` : `${where}: invalid`,
    { fields },
  );
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_CONTROL_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_CONTROL_BODY_BYTES) throw tooLarge();
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') throw new HttpError(400, 'validation_failed', 'body: a JSON body is required');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'body is not valid JSON');
  }
}

function tooLarge(): HttpError {
  return new HttpError(413, 'payload_too_large', `body over ${MAX_CONTROL_BODY_BYTES} bytes`);
}

function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}
