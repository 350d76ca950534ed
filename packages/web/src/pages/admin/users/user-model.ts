import type { Role, UserDetail, UserUpdate } from '@labmgr/protocol';

/** `short` fits a badge in a table; `label` is for forms and the account page. */
export const ROLE_META: Record<Role, { label: string; short: string; color: string; description: string }> = {
  admin: {
    label: 'Administrator',
    short: 'Admin',
    color: 'grape',
    description: 'Everything, including users and enrollment',
  },
  operator: {
    label: 'Operator',
    short: 'Operator',
    color: 'blue',
    description: 'Monitor and run commands on computers',
  },
  viewer: { label: 'Viewer', short: 'Viewer', color: 'gray', description: 'Monitor only' },
};

export const ROLE_CHOICES = (Object.keys(ROLE_META) as Role[]).map((role) => ({
  value: role,
  label: ROLE_META[role].label,
}));

export function isRole(value: string | null): value is Role {
  return value === 'admin' || value === 'operator' || value === 'viewer';
}

/**
 * What the signed-in admin may not do to their own account, and why: the
 * page disables these rather than let the server refuse them (409
 * `own_account`; a password reset of oneself is only the page's rule).
 */
export const SELF_REASONS = {
  delete: 'You cannot delete your own account',
  role: 'You cannot change your own role',
  disable: 'You cannot disable your own account',
  // A reset ends every session of the user, this one included.
  resetPassword: 'Change your own password on the My account page',
} as const;

export interface UserEdit {
  displayName: string;
  role: Role;
  disabled: boolean;
}

/** Only the fields that changed; null when nothing did. An emptied display name removes it. */
export function userChanges(before: UserDetail, edit: UserEdit): UserUpdate | null {
  const changes: UserUpdate = {};
  const name = edit.displayName.trim() === '' ? null : edit.displayName.trim();
  if (name !== before.displayName) changes.displayName = name;
  if (edit.role !== before.role) changes.role = edit.role;
  if (edit.disabled !== before.disabled) changes.disabled = edit.disabled;
  return Object.keys(changes).length > 0 ? changes : null;
}

export type RoleFilter = Role | 'all';

/** Case-insensitive match on username or display name, and the role filter. */
export function filterUsers(users: readonly UserDetail[], search: string, role: RoleFilter): UserDetail[] {
  const needle = search.trim().toLowerCase();
  return users.filter(
    (u) =>
      (role === 'all' || u.role === role) &&
      (needle === '' ||
        u.username.toLowerCase().includes(needle) ||
        (u.displayName ?? '').toLowerCase().includes(needle)),
  );
}
