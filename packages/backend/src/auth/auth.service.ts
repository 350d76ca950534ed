import type { FastifyRequest } from 'fastify';
import type { AuditRepository } from '../audit/audit.repository.js';
import { ApiError } from '../http/errors.js';
import type { RelayRepository } from '../relays/relay.repository.js';
import type { UserRepository, UserRow } from '../users/user.repository.js';
import type { Authenticator, Principal } from './access.js';
import { LoginLimiter } from './login-limiter.js';
import { dummyHash, verifyPassword } from './password.js';
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
}

export class AuthService implements Authenticator {
  private readonly limiter = new LoginLimiter();

  constructor(private readonly deps: Deps) {}

  async login(
    username: string,
    password: string,
    from: { ip: string; userAgent: string | null },
  ): Promise<{ user: UserRow; sessionToken: string }> {
    const key = `${from.ip}|${username.toLowerCase()}`;
    const retryAfter = this.limiter.blockedFor(key);
    if (retryAfter > 0) {
      throw new ApiError(
        429,
        'too_many_attempts',
        `too many failed sign-ins; try again in ${Math.ceil(retryAfter / 1000)} s`,
        {
          retryAfterSec: Math.ceil(retryAfter / 1000),
        },
      );
    }
    const user = await this.deps.users.findByUsername(username);
    const ok = await verifyPassword(user?.password_hash ?? (await dummyHash), password);
    if (!user || !ok || user.disabled) {
      this.limiter.fail(key);
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
    this.limiter.succeed(key);
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
    return { kind: 'user', user, sessionId: id };
  }

  /** Bearer tokens are relay service tokens for now; user API tokens join here. */
  private async fromBearer(token: string): Promise<Principal | null> {
    if (!token) return null;
    const relay = await this.deps.relays.findByTokenHash(hashSecret(token));
    if (relay) return { kind: 'relay', relay };
    return null;
  }
}
