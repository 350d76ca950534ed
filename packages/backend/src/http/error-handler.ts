import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError, errorBody } from './errors.js';

/** Maps every failure to `{"error":{"code","message","details"?}}` with the right status. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof ApiError) {
      const retryAfter = (err.details as { retryAfterSec?: unknown } | undefined)?.retryAfterSec;
      if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      req.refusalInfo = { code: err.code, message: err.message };
      return reply.status(err.statusCode).send(errorBody(err.code, err.message, err.details));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields = err.validation.map((v) => ({
        field: [err.validationContext, ...v.instancePath.split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'invalid',
      }));
      const first = fields[0];
      const message = first ? `${first.field}: ${first.message}` : 'invalid request';
      req.refusalInfo = { code: 'validation_failed', message, fields: fields.map((f) => f.field) };
      return reply.status(400).send(errorBody('validation_failed', message, { fields }));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      req.refusalInfo = { code: err.code ?? 'bad_request', message: err.message };
      return reply.status(err.statusCode).send(errorBody(err.code ?? 'bad_request', err.message));
    }
    req.log.error({ err }, 'request failed');
    return reply.status(500).send(errorBody('internal', 'internal server error'));
  });
}
