import { AuditList, AuditQuery } from '@labmgr/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN } from '../auth/access.js';
import type { AppContext } from '../context.js';
import type { AuditRow } from './audit.repository.js';

function parseDetails(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function toAuditEntry(row: AuditRow) {
  return {
    id: Number(row.id),
    at: new Date(Number(row.at)).toISOString(),
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    ip: row.ip,
    details: parseDetails(row.details),
  };
}

/** `GET /api/v1/audit`: the audit log, newest first (admins). */
export function auditRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/v1/audit',
      { config: { access: ADMIN }, schema: { querystring: AuditQuery, response: { 200: AuditList } } },
      async (req) => {
        const { rows, total } = await ctx.audit.list(req.query);
        return { items: rows.map(toAuditEntry), total };
      },
    );
  };
}
