import { randomUUID } from 'node:crypto';
import { LiveCloseCode, type UserCreate, type UserDetail, type UserUpdate } from '@labmgr/protocol';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { UserActor } from '../auth/access.js';
import { hashPassword } from '../auth/password.js';
import type { SessionRepository } from '../auth/session.repository.js';
import { ApiError, notFound } from '../http/errors.js';
import type { LiveRevoker } from '../live/live-hub.js';
import type { UserRepository, UserRow } from './user.repository.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toUserDetail(row: UserRow): UserDetail {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    lastLoginAt: iso(row.last_login_at),
    disabled: Boolean(row.disabled),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

// The actor is an enabled admin who may not demote, disable or delete themselves,
// so only two admins acting on each other at once get here: kept as a safeguard.
const lastAdmin = () =>
  new ApiError(409, 'last_admin', 'the last enabled admin cannot be demoted, disabled or deleted');
// An admin who locked themselves out would need another admin to get back in.
const ownAccount = (message: string) => new ApiError(409, 'own_account', message);

/** Administrators manage users; every change is audited. */
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly audit: AuditRepository,
    private readonly live: LiveRevoker,
  ) {}

  async create(body: UserCreate, actor: UserActor): Promise<UserRow> {
    if (await this.users.findByUsername(body.username)) throw taken(body.username);
    const row = {
      id: randomUUID(),
      username: body.username,
      display_name: body.displayName ?? null,
      role: body.role,
      password_hash: await hashPassword(body.password),
      created_at: Date.now(),
      last_login_at: null,
    };
    try {
      await this.users.insert(row);
    } catch (err) {
      // Two creations racing for one name: the unique index decides.
      if (await this.users.findByUsername(body.username)) throw taken(body.username);
      throw err;
    }
    await this.audit.record({
      actor_type: 'user',
      actor_id: actor.user.id,
      action: 'user.create',
      target_type: 'user',
      target_id: row.id,
      ip: actor.ip,
      details: { username: row.username, role: row.role },
    });
    return { ...row, disabled: 0 };
  }

  async update(id: string, body: UserUpdate, actor: UserActor): Promise<UserRow> {
    const before = await this.users.findById(id);
    if (!before) throw notFound('user');
    if (id === actor.user.id) {
      if (body.role !== undefined && body.role !== before.role) {
        throw ownAccount('you cannot change your own role');
      }
      if (body.disabled === true) throw ownAccount('you cannot disable your own account');
      // A reset needs no current password: a stolen session must not be able to take the account over.
      if (body.password !== undefined) {
        throw ownAccount('change your own password with your current one (POST /api/v1/auth/password)');
      }
    }
    const demotes = body.role !== undefined && body.role !== 'admin';
    if (before.role === 'admin' && !before.disabled && (demotes || body.disabled === true)) {
      if ((await this.users.countEnabledAdmins()) <= 1) throw lastAdmin();
    }
    const patch: Parameters<UserRepository['update']>[1] = {};
    const changes: Record<string, unknown> = {};
    if (body.displayName !== undefined && body.displayName !== before.display_name) {
      patch.display_name = body.displayName;
      changes.displayName = { from: before.display_name, to: body.displayName };
    }
    if (body.role !== undefined && body.role !== before.role) {
      patch.role = body.role;
      changes.role = { from: before.role, to: body.role };
    }
    if (body.disabled !== undefined && body.disabled !== Boolean(before.disabled)) {
      patch.disabled = body.disabled ? 1 : 0;
      changes.disabled = { from: Boolean(before.disabled), to: body.disabled };
    }
    if (body.password !== undefined) {
      patch.password_hash = await hashPassword(body.password);
      changes.password = 'reset';
    }
    if (Object.keys(patch).length === 0) return before;
    const after = await this.users.update(id, patch);
    if (!after) throw notFound('user');
    // A disabled user or a reset password: every session of that user ends now.
    // (API tokens of a disabled user fail at authentication; a reset keeps them.)
    let endedSessions = 0;
    if (patch.disabled === 1 || patch.password_hash !== undefined) {
      endedSessions = await this.sessions.deleteForUser(id);
    }
    // Open live sockets end with what let them in (a role change: reconnect under the new role).
    if (patch.disabled === 1) {
      this.live.revoke({ kind: 'user', userId: id }, LiveCloseCode.credentialsEnded, 'account disabled');
    } else if (patch.role !== undefined) {
      this.live.revoke({ kind: 'user', userId: id }, LiveCloseCode.accessChanged, 'role changed; reconnect');
    }
    if (patch.disabled !== 1 && patch.password_hash !== undefined) {
      this.live.revoke(
        { kind: 'user-sessions', userId: id, exceptSessionId: null },
        LiveCloseCode.credentialsEnded,
        'password reset by an administrator; sign in again',
      );
    }
    await this.audit.record({
      actor_type: 'user',
      actor_id: actor.user.id,
      action:
        patch.password_hash !== undefined && Object.keys(patch).length === 1
          ? 'user.password_reset'
          : 'user.update',
      target_type: 'user',
      target_id: id,
      ip: actor.ip,
      details: { username: before.username, changes, endedSessions },
    });
    return after;
  }

  async delete(id: string, actor: UserActor): Promise<void> {
    const before = await this.users.findById(id);
    if (!before) throw notFound('user');
    if (id === actor.user.id) throw ownAccount('you cannot delete your own account');
    if (before.role === 'admin' && !before.disabled && (await this.users.countEnabledAdmins()) <= 1) {
      throw lastAdmin();
    }
    await this.users.delete(id);
    this.live.revoke({ kind: 'user', userId: id }, LiveCloseCode.credentialsEnded, 'account deleted');
    await this.audit.record({
      actor_type: 'user',
      actor_id: actor.user.id,
      action: 'user.delete',
      target_type: 'user',
      target_id: id,
      ip: actor.ip,
      details: { username: before.username, role: before.role },
    });
  }
}

function taken(username: string): ApiError {
  return new ApiError(409, 'username_taken', `the username "${username}" is taken`);
}
