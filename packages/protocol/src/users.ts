import { z } from 'zod';
import { Role, User } from './api.js';
import { IsoDateTime } from './common.js';

// ---- users, API tokens and the audit log (admin and self-service API) --------

/** Passwords set through the API: at least 12 characters (argon2id stores them). */
export const NewPassword = z.string().min(12).max(1024);

/** Letters, digits and `._@-`, starting with a letter or digit. */
export const Username = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'letters, digits and . _ @ - only');

const Limit = (def: number, max: number) => z.coerce.number().int().min(1).max(max).default(def);
const Offset = z.coerce.number().int().min(0).max(1_000_000_000).default(0);
export const SortOrder = z.enum(['asc', 'desc']);

/** What an administrator sees of a user. */
export const UserDetail = User.extend({
  disabled: z.boolean(),
  createdAt: IsoDateTime,
});
export type UserDetail = z.infer<typeof UserDetail>;

export const UserSortField = z.enum(['username', 'createdAt', 'lastLoginAt']);
export type UserSortField = z.infer<typeof UserSortField>;

export const UserListQuery = z.object({
  /** Case-insensitive substring of the username or display name. */
  q: z.string().max(128).optional(),
  role: Role.optional(),
  disabled: z.stringbool().optional(),
  sort: UserSortField.default('username'),
  order: SortOrder.default('asc'),
  limit: Limit(100, 1000),
  offset: Offset,
});
export type UserListQuery = z.infer<typeof UserListQuery>;

export const UserList = z.object({
  items: z.array(UserDetail),
  total: z.number().int().nonnegative(),
});
export type UserList = z.infer<typeof UserList>;

export const UserCreate = z.object({
  username: Username,
  password: NewPassword,
  role: Role,
  displayName: z.string().max(128).nullable().optional(),
});
export type UserCreate = z.infer<typeof UserCreate>;

/** Every field optional; `password` is an administrator's reset (ends the user's sessions). */
export const UserUpdate = z
  .object({
    displayName: z.string().max(128).nullable().optional(),
    role: Role.optional(),
    disabled: z.boolean().optional(),
    password: NewPassword.optional(),
  })
  .refine((u) => Object.values(u).some((v) => v !== undefined), { message: 'nothing to change' });
export type UserUpdate = z.infer<typeof UserUpdate>;

export const UserIdParams = z.object({ id: z.uuid() });

/** `POST /api/v1/auth/password`: the signed-in user changes their own password. */
export const PasswordChange = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: NewPassword,
});
export type PasswordChange = z.infer<typeof PasswordChange>;

// ---- API tokens ---------------------------------------------------------------

/** `read`: GET and HEAD only. `write`: everything the owner's role allows. */
export const ApiTokenScope = z.enum(['read', 'write']);
export type ApiTokenScope = z.infer<typeof ApiTokenScope>;

export const ApiTokenCreate = z.object({
  name: z.string().trim().min(1).max(100),
  scope: ApiTokenScope.default('write'),
  /** Lifetime; omitted or null: the token does not expire (it can still be revoked). */
  expiresInSec: z
    .number()
    .int()
    .min(60)
    .max(5 * 365 * 86_400)
    .nullable()
    .default(null),
});
export type ApiTokenCreate = z.infer<typeof ApiTokenCreate>;

export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  scope: ApiTokenScope,
  userId: z.string(),
  username: z.string().nullable(),
  createdAt: IsoDateTime,
  expiresAt: IsoDateTime.nullable(),
  lastUsedAt: IsoDateTime.nullable(),
  revokedAt: IsoDateTime.nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

/** The secret (`lmt_…`) is in this answer only; the server keeps its SHA-256. */
export const ApiTokenCreated = ApiToken.extend({ token: z.string() });
export type ApiTokenCreated = z.infer<typeof ApiTokenCreated>;

export const ApiTokenListQuery = z.object({
  /** Administrators only: every user's tokens, not just their own. */
  all: z.stringbool().default(false),
  limit: Limit(100, 1000),
  offset: Offset,
});
export type ApiTokenListQuery = z.infer<typeof ApiTokenListQuery>;

export const ApiTokenList = z.object({
  items: z.array(ApiToken),
  total: z.number().int().nonnegative(),
});
export type ApiTokenList = z.infer<typeof ApiTokenList>;

export const ApiTokenIdParams = z.object({ id: z.uuid() });

// ---- audit log ----------------------------------------------------------------

export const AuditQuery = z.object({
  /** Prefix of the action, e.g. `user.` or `auth.login`. */
  action: z.string().max(128).optional(),
  /** Actor id, or the username of a user actor. */
  actor: z.string().max(128).optional(),
  /** Target id (user id, computer id, username for failed logins …). */
  target: z.string().max(128).optional(),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  limit: Limit(100, 1000),
  offset: Offset,
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: IsoDateTime,
  actorType: z.enum(['user', 'relay', 'agent', 'system']),
  actorId: z.string().nullable(),
  /** The actor's username when the actor is a user that still exists. */
  actorName: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditList = z.object({
  items: z.array(AuditEntry),
  total: z.number().int().nonnegative(),
});
export type AuditList = z.infer<typeof AuditList>;
