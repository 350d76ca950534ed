import { randomUUID } from 'node:crypto';
import { type ApiToken, type ApiTokenCreate, type ApiTokenCreated, LiveCloseCode } from '@labmgr/protocol';
import type { AuditRepository } from '../audit/audit.repository.js';
import { hashSecret, newSecret } from '../auth/secrets.js';
import { notFound } from '../http/errors.js';
import type { LiveRevoker } from '../live/live-hub.js';
import type { UserRow } from '../users/user.repository.js';
import type { ApiTokenRepository, ApiTokenWithUser } from './api-token.repository.js';

/** Every user API token starts with this, so the authenticator can tell it from a relay token. */
export const API_TOKEN_PREFIX = 'lmt_';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toApiToken(row: ApiTokenWithUser): ApiToken {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    userId: row.user_id,
    username: row.username,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  };
}

/** Users' API tokens: created for oneself, shown once, stored as SHA-256, revoked (never reused). */
export class ApiTokenService {
  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly audit: AuditRepository,
    private readonly live: LiveRevoker,
  ) {}

  async create(owner: UserRow, body: ApiTokenCreate, ip: string): Promise<ApiTokenCreated> {
    const token = `${API_TOKEN_PREFIX}${newSecret()}`;
    const now = Date.now();
    const row = {
      id: randomUUID(),
      user_id: owner.id,
      name: body.name,
      token_hash: hashSecret(token),
      scope: body.scope,
      created_at: now,
      expires_at: body.expiresInSec === null ? null : now + body.expiresInSec * 1000,
      last_used_at: null,
      revoked_at: null,
    };
    await this.tokens.insert(row);
    await this.audit.record({
      actor_type: 'user',
      actor_id: owner.id,
      action: 'token.create',
      target_type: 'api_token',
      target_id: row.id,
      ip,
      details: { name: row.name, scope: row.scope, expiresAt: iso(row.expires_at) },
    });
    return { ...toApiToken({ ...row, username: owner.username }), token };
  }

  /**
   * Revokes `id` if `actor` owns it or is an admin; anyone else gets the same
   * 404 as for a token that does not exist.
   */
  async revoke(actor: UserRow, id: string, ip: string): Promise<void> {
    const row = await this.tokens.findById(id);
    if (!row || (row.user_id !== actor.id && actor.role !== 'admin')) throw notFound('API token');
    if (row.revoked_at !== null) return;
    await this.tokens.revoke(id, Date.now());
    this.live.revoke({ kind: 'token', tokenId: id }, LiveCloseCode.credentialsEnded, 'API token revoked');
    await this.audit.record({
      actor_type: 'user',
      actor_id: actor.id,
      action: 'token.revoke',
      target_type: 'api_token',
      target_id: id,
      ip,
      details: { name: row.name, owner: row.user_id },
    });
  }
}
