import { LiveCloseCode } from '@labmgr/protocol';
import type { FastifyRequest } from 'fastify';
import type { AuditRepository } from '../audit/audit.repository.js';
import { ApiError, tooManyAttempts } from '../http/errors.js';
import type { LiveOwner, LiveRevoker } from '../live/live-hub.js';
import type { RelayRepository } from '../relays/relay.repository.js';
import type { ApiTokenRepository } from '../tokens/api-token.repository.js';
import { API_TOKEN_PREFIX } from '../tokens/api-token.service.js';
import type { UserRepository, UserRow } from '../users/user.repository.js';
import type { Authenticator, Principal } from './access.js';
import { AttemptLimiter, BackoffLimiter } from './login-limiter.js';
import { dummyHash, hashPassword, verifyPassword } from './password.js';
import { hashSecret, newSecret } from './secrets.js';
import type { SessionRepository } from './session.repository.js';

export const SESSION_COOKIE = 'labmgr_session';
/** Sessions slide: each use extends them, an idle one ends after this long. */
export const SESSION_TTL_MS = 12 * 3600_000;

interface Deps {
  users: UserRepository;
  sessions: SessionRepository;
  relays: RelayRepository;
  audit: AuditRepository;
  apiTokens: ApiTokenRepository;
  /** Closes the live sockets of credentials that end here. */
  live: LiveRevoker;
}

/** An API token's `last_used_at` is written at most this often. */
const TOKEN_TOUCH_MS = 60_000;

export class AuthService implements Authenticator {
  /** 5 attempts per address and account per 15 min. */
  private readonly pairLimiter = new AttemptLimiter(5, 15 * 60_000);
  /** Per account from any address: exponential delay after 10 failures (proxies and botnets rotate addresses). */
  private readonly accountLimiter = new BackoffLimiter();
  private readonly passwordLimiter = new AttemptLimiter(5, 15 * 60_000);

  constructor(private readonly deps: Deps) {}

  async login(
    username: string,
    password: string,
    from: { ip: string; userAgent: string | null },
  ): Promise<{ user: UserRow; sessionToken: string }> {
    const account = username.toLowerCase();
    const pairKey = `${from.ip}|${account}`;
    const pairWait = this.pairLimiter.reserve(pairKey);
    if (pairWait > 0) throw tooManyAttempts('failed sign-ins', pairWait);
    const accountWait = this.accountLimiter.reserve(account);
    if (accountWait > 0) {
      // Not evaluated, so not a guess from this address: only the account's delay applies.
      this.pairLimiter.cancel(pairKey);
      throw tooManyAttempts('failed sign-ins', accountWait);
    }
    const user = await this.deps.users.findByUsername(username);
    const ok = await verifyPassword(user?.password_hash ?? (await dummyHash), password);
    if (!user || !ok || user.disabled) {
      await this.deps.audit.record({
        actor_type: 'user',
        actor_id: user?.id ?? null,
        action: 'auth.login_failed',
        target_type: 'user',
        target_id: username.slice(0, 128),
        ip: from.ip,
      });
      throw new ApiError(401, 'invalid_credentials', 'wrong username or password');
    }
    this.pairLimiter.succeed(pairKey);
    this.accountLimiter.succeed(account);
    const now = Date.now();
    const sessionToken = newSecret();
    await this.deps.sessions.insert({
      id: hashSecret(sessionToken),
      user_id: user.id,
      created_at: now,
      expires_at: now + SESSION_TTL_MS,
      last_seen_at: now,
      ip: from.ip,
      user_agent: from.userAgent?.slice(0, 512) ?? null,
    });
    await this.deps.users.touchLogin(user.id, now);
    await this.deps.audit.record({
      actor_type: 'user',
      actor_id: user.id,
      action: 'auth.login',
      ip: from.ip,
    });
    return { user: { ...user, last_login_at: now }, sessionToken };
  }

  async logout(sessionId: string, userId: string, ip: string): Promise<void> {
    await this.deps.sessions.delete(sessionId);
    this.deps.live.revoke({ kind: 'session', sessionId }, LiveCloseCode.credentialsEnded, 'signed out');
    await this.deps.audit.record({ actor_type: 'user', actor_id: userId, action: 'auth.logout', ip });
  }

  async authenticate(req: FastifyRequest): Promise<Principal | null> {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) return this.fromBearer(header.slice(7).trim());
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie) return null;
    return this.fromSession(cookie);
  }

  async fromSession(cookie: string): Promise<Principal | null> {
    const now = Date.now();
    const id = hashSecret(cookie);
    const session = await this.deps.sessions.findValid(id, now);
    if (!session) return null;
    const user = await this.deps.users.findById(session.user_id);
    if (!user || user.disabled) return null;
    // Write at most once a minute per session, not on every request.
    if (now - session.last_seen_at > 60_000) await this.deps.sessions.extend(id, now, now + SESSION_TTL_MS);
    return { kind: 'user', user, sessionId: id, tokenId: null, scope: 'write' };
  }

  /**
   * The signed-in user changes their own password: the current one must match,
   * and every other session of theirs ends (the caller's own stays).
   */
  async changePassword(
    user: UserRow,
    current: string,
    next: string,
    from: { ip: string; sessionId: string | null },
  ): Promise<void> {
    // Per user, not per address: a stolen session guessing the current password gets 5 tries.
    const key = `password|${user.id}`;
    const wait = this.passwordLimiter.reserve(key);
    if (wait > 0) throw tooManyAttempts('wrong passwords', wait);
    if (!(await verifyPassword(user.password_hash, current))) {
      await this.deps.audit.record({
        actor_type: 'user',
        actor_id: user.id,
        action: 'auth.password_change_failed',
        target_type: 'user',
        target_id: user.id,
        ip: from.ip,
      });
      throw new ApiError(403, 'invalid_credentials', 'the current password is wrong');
    }
    this.passwordLimiter.succeed(key);
    await this.deps.users.update(user.id, { password_hash: await hashPassword(next) });
    const ended = await this.deps.sessions.deleteForUser(user.id, from.sessionId);
    this.deps.live.revoke(
      { kind: 'user-sessions', userId: user.id, exceptSessionId: from.sessionId },
      LiveCloseCode.credentialsEnded,
      'password changed; sign in again',
    );
    await this.deps.audit.record({
      actor_type: 'user',
      actor_id: user.id,
      action: 'auth.password_change',
      target_type: 'user',
      target_id: user.id,
      ip: from.ip,
      details: { endedSessions: ended },
    });
  }

  /**
   * Whether the session or token a live socket was opened with still lets its
   * user in (sessions expire and tokens run out without any call that could close the socket).
   */
  async stillValid(owner: LiveOwner): Promise<boolean> {
    const now = Date.now();
    if (owner.sessionId !== null) {
      if (!(await this.deps.sessions.findValid(owner.sessionId, now))) return false;
    } else if (owner.tokenId !== null) {
      const row = await this.deps.apiTokens.findById(owner.tokenId);
      if (!usableToken(row, now)) return false;
    } else {
      return false;
    }
    const user = await this.deps.users.findById(owner.userId);
    return Boolean(user && !user.disabled);
  }

  /** Bearer tokens: users' API tokens (`lmt_…`) or relay service tokens. */
  private async fromBearer(token: string): Promise<Principal | null> {
    if (!token) return null;
    if (token.startsWith(API_TOKEN_PREFIX)) return this.fromApiToken(token);
    const relay = await this.deps.relays.findByTokenHash(hashSecret(token));
    if (relay) return { kind: 'relay', relay };
    return null;
  }

  private async fromApiToken(token: string): Promise<Principal | null> {
    const row = await this.deps.apiTokens.findByHash(hashSecret(token));
    const now = Date.now();
    if (!usableToken(row, now)) return null;
    const user = await this.deps.users.findById(row.user_id);
    if (!user || user.disabled) return null;
    if (row.last_used_at === null || now - row.last_used_at >= TOKEN_TOUCH_MS) {
      await this.deps.apiTokens.touch(row.id, now);
    }
    return { kind: 'user', user, sessionId: null, tokenId: row.id, scope: row.scope };
  }
}

/** An API token lets its user in while it is neither revoked nor expired. */
function usableToken<T extends { revoked_at: number | null; expires_at: number | null }>(
  row: T | undefined,
  now: number,
): row is T {
  return row !== undefined && row.revoked_at === null && (row.expires_at === null || row.expires_at > now);
}
