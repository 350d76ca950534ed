import { randomUUID } from 'node:crypto';
import type {
  EnrollmentToken,
  EnrollmentTokenCreate,
  EnrollmentTokenCreated,
  EnrollmentTokenListQuery,
  EnrollRequest,
  EnrollResponse,
  LiveEvent,
} from '@labmgr/protocol';
import type { Kysely } from 'kysely';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { UserActor } from '../auth/access.js';
import { hashSecret, newSecret } from '../auth/secrets.js';
import { toSummary } from '../computers/computer.presenter.js';
import type { ComputerRepository } from '../computers/computer.repository.js';
import type { Database } from '../db/schema.js';
import { ApiError, notFound } from '../http/errors.js';
import type { LabRepository } from '../labs/lab.repository.js';
import type { EnrollmentRepository, EnrollmentTokenRow } from './enrollment.repository.js';

interface Deps {
  db: Kysely<Database>;
  tokens: EnrollmentRepository;
  computers: ComputerRepository;
  labs: LabRepository;
  audit: AuditRepository;
  publish: (event: LiveEvent) => void;
  /** Pinned by the agent; it verifies every command with it. */
  commandPublicKey: string;
  /** SHA-256 of the certificate the server and its relays present; pinned by the agent. Null on plain HTTP. */
  serverCertFingerprint: string | null;
}

/** Tokens carry a prefix so a leaked one is recognisable in logs and secret scanners. */
const TOKEN_PREFIX = 'lme_';
const CREDENTIAL_PREFIX = 'lma_';

export class EnrollmentService {
  constructor(private readonly deps: Deps) {}

  async createToken(
    input: EnrollmentTokenCreate,
    actor: { type: 'user' | 'system'; id: string | null; ip: string | null },
  ): Promise<EnrollmentTokenCreated> {
    if (input.labId !== null && !(await this.deps.labs.exists(input.labId))) {
      throw new ApiError(400, 'validation_failed', `body.labId: no lab with id ${input.labId}`, {
        fields: { labId: 'no such lab' },
      });
    }
    const now = Date.now();
    const token = `${TOKEN_PREFIX}${newSecret()}`;
    const id = randomUUID();
    const expiresAt = now + input.expiresInSec * 1000;
    await this.deps.tokens.insert({
      id,
      token_hash: hashSecret(token),
      created_at: now,
      expires_at: expiresAt,
      uses_left: input.uses,
      lab_id: input.labId,
      created_by: actor.id,
    });
    await this.deps.audit.record({
      actor_type: actor.type,
      actor_id: actor.id,
      action: 'enrollment_token.create',
      target_type: 'enrollment_token',
      target_id: id,
      ip: actor.ip,
      details: { uses: input.uses, expiresInSec: input.expiresInSec, labId: input.labId },
    });
    return { id, token, expiresAt: new Date(expiresAt).toISOString(), usesLeft: input.uses };
  }

  async list(q: EnrollmentTokenListQuery): Promise<{ items: EnrollmentToken[]; total: number }> {
    const now = Date.now();
    const { rows, total } = await this.deps.tokens.list(q, now);
    return { items: rows.map((r) => toEnrollmentToken(r, now)), total };
  }

  /** Revokes a token; a token revoked already is left as it is (not audited again). */
  async revoke(id: string, actor: UserActor): Promise<void> {
    const token = await this.deps.tokens.findById(id);
    if (!token) throw notFound('enrollment token');
    if (!(await this.deps.tokens.revoke(id, Date.now()))) return;
    await this.deps.audit.record({
      actor_type: 'user',
      actor_id: actor.user.id,
      action: 'enrollment_token.revoke',
      target_type: 'enrollment_token',
      target_id: id,
      ip: actor.ip,
      details: { usesLeft: token.uses_left, labId: token.lab_id },
    });
  }

  /** Trades a valid enrollment token for a new computer and its own credential. */
  async enroll(req: EnrollRequest, relayUrl: string, ip: string): Promise<EnrollResponse> {
    const now = Date.now();
    const credential = `${CREDENTIAL_PREFIX}${newSecret()}`;
    const computerId = randomUUID();
    const row = {
      id: computerId,
      hostname: req.hostname,
      credential_hash: hashSecret(credential),
      status: 'offline' as const,
      last_seen_at: null,
      relay_id: null,
      agent_version: null,
      os_name: null,
      inventory_updated_at: null,
      latest_metrics: null,
      created_at: now,
      lab_id: null as string | null,
      seat_row: null,
      seat_col: null,
      notes: null,
      display_name: null,
    };
    const tokenId = await this.deps.db.transaction().execute(async (trx) => {
      const token = await this.deps.tokens.consume(trx, hashSecret(req.token), now);
      if (!token) return null;
      // The token's lab, unless it was deleted since the token was made.
      if (token.lab_id !== null) {
        const lab = await trx
          .selectFrom('labs')
          .select('id')
          .where('id', '=', token.lab_id)
          .executeTakeFirst();
        row.lab_id = lab?.id ?? null;
      }
      await this.deps.computers.insert(row, trx);
      return token.id;
    });
    if (!tokenId) {
      await this.deps.audit.record({
        actor_type: 'agent',
        actor_id: null,
        action: 'agent.enroll_refused',
        ip,
        details: { hostname: req.hostname },
      });
      throw new ApiError(401, 'invalid_enrollment_token', 'enrollment token is invalid, expired or used up');
    }
    await this.deps.audit.record({
      actor_type: 'agent',
      actor_id: computerId,
      action: 'agent.enroll',
      target_type: 'computer',
      target_id: computerId,
      ip,
      details: { hostname: req.hostname, enrollmentTokenId: tokenId, labId: row.lab_id },
    });
    const stored = await this.deps.computers.findById(computerId);
    if (stored) this.deps.publish({ type: 'computer.upsert', computer: toSummary(stored) });
    return {
      computerId,
      credential,
      relayUrl,
      serverCertFingerprint: this.deps.serverCertFingerprint,
      commandPublicKey: this.deps.commandPublicKey,
    };
  }
}

export function toEnrollmentToken(row: EnrollmentTokenRow, now: number): EnrollmentToken {
  const state =
    row.revoked_at !== null
      ? 'revoked'
      : row.uses_left <= 0
        ? 'used-up'
        : row.expires_at <= now
          ? 'expired'
          : 'active';
  return {
    id: row.id,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
    expiresAt: new Date(row.expires_at).toISOString(),
    usesLeft: row.uses_left,
    labId: row.lab_id,
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
    state,
  };
}
