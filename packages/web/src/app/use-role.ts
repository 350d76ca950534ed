import type { Role } from '@labmgr/protocol';
import { useMe } from '../api/queries.js';

/** The signed-in user's role (pages render only once someone is signed in). */
export function useRole(): Role {
  return useMe().data?.user.role ?? 'viewer';
}

/** May this role start commands, power actions and messages? */
export function canOperate(role: Role): boolean {
  return role === 'admin' || role === 'operator';
}

export function isAdmin(role: Role): boolean {
  return role === 'admin';
}
