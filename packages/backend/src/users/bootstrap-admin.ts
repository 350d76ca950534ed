import { randomUUID } from 'node:crypto';
import type { AuditRepository } from '../audit/audit.repository.js';
import { hashPassword } from '../auth/password.js';
import { newPassword } from '../auth/secrets.js';
import type { UserRepository } from './user.repository.js';

/**
 * Creates user `admin` when there are no users at all. Returns the password
 * only when it was generated, so the caller prints it exactly once.
 */
export async function bootstrapAdmin(
  users: UserRepository,
  audit: AuditRepository,
  configured: string | undefined,
): Promise<{ created: boolean; generatedPassword: string | null }> {
  if ((await users.count()) > 0) return { created: false, generatedPassword: null };
  const password = configured ?? newPassword();
  const id = randomUUID();
  await users.insert({
    id,
    username: 'admin',
    display_name: 'Administrator',
    role: 'admin',
    password_hash: await hashPassword(password),
    created_at: Date.now(),
    last_login_at: null,
  });
  await audit.record({
    actor_type: 'system',
    actor_id: null,
    action: 'user.bootstrap_admin',
    target_type: 'user',
    target_id: id,
  });
  return { created: true, generatedPassword: configured ? null : password };
}
