import type { FastifyInstance } from 'fastify';
import { SAFE_METHODS } from '../auth/access.js';
import type { RefusalAudit } from './refusal-audit.js';

/** What the error handler tells the audit hook about a refused request. */
export interface RefusalInfo {
  code: string;
  message: string;
  fields?: string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the error handler when it answers 4xx. */
    refusalInfo: RefusalInfo | null;
  }
}

/**
 * Refusals the route audits itself, with more to say than this hook
 * (a failed sign-in names the account tried).
 */
const AUDITED_BY_ROUTE = new Set(['POST /api/v1/auth/login 401', 'POST /api/v1/auth/password 403']);

/**
 * Every refused attempt at a state change (4xx on a POST, PUT, PATCH or
 * DELETE of an API route: not signed in, not allowed, malformed, conflicting)
 * goes to the audit log as `request.refused`, rate-limited by `RefusalAudit`.
 */
export function installRefusalAudit(app: FastifyInstance, refusals: RefusalAudit): void {
  app.decorateRequest('refusalInfo', null);
  app.addHook('onResponse', async (req, reply) => {
    const status = reply.statusCode;
    if (status < 400 || status >= 500 || SAFE_METHODS.has(req.method)) return;
    const route = req.routeOptions.url;
    if (!route?.startsWith('/api/')) return;
    if (AUDITED_BY_ROUTE.has(`${req.method} ${route} ${status}`)) return;
    const info = req.refusalInfo;
    const p = req.principal;
    refusals.record({
      actorType: p?.kind === 'relay' ? 'relay' : 'user',
      actorId: p?.kind === 'relay' ? p.relay.id : p?.kind === 'user' ? p.user.id : null,
      ip: req.ip,
      method: req.method,
      route,
      status,
      code: info?.code ?? 'refused',
      message: info?.message ?? '',
      params: (req.params ?? {}) as Record<string, unknown>,
      ...(info?.fields ? { fields: info.fields } : {}),
    });
  });
}
