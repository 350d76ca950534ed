import type { ApiToken, ApiTokenScope } from '@labmgr/protocol';
import { toEpochMs } from '../../../format/time.js';
import { formatLifetime } from '../../../format/until.js';

export type ApiTokenState = 'active' | 'expired' | 'revoked';

export const TOKEN_STATE_META: Record<ApiTokenState, { label: string; color: string }> = {
  active: { label: 'Active', color: 'teal' },
  expired: { label: 'Expired', color: 'gray' },
  revoked: { label: 'Revoked', color: 'red' },
};

export const SCOPE_META: Record<ApiTokenScope, { label: string; description: string; color: string }> = {
  read: { label: 'Read only', description: 'GET requests only: dashboards and reports.', color: 'blue' },
  write: {
    label: 'Read & write',
    description: 'Everything your role allows, including commands.',
    color: 'orange',
  },
};

/** Whether a token still works at `now` (the server checks the same). */
export function tokenState(token: ApiToken, now: number): ApiTokenState {
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt !== null && toEpochMs(token.expiresAt) <= now) return 'expired';
  return 'active';
}

const DAY = 86_400;

/** "never" is the empty string: Select values are strings; the API wants null. */
export const NEVER = '';

export const TOKEN_EXPIRY_CHOICES: ReadonlyArray<{ value: string; label: string }> = [
  ...[7 * DAY, 30 * DAY, 90 * DAY, 365 * DAY].map((s) => ({ value: String(s), label: formatLifetime(s) })),
  { value: NEVER, label: 'Never' },
];

export const DEFAULT_TOKEN_EXPIRY = String(90 * DAY);

export function expiresInSec(choice: string): number | null {
  return choice === NEVER ? null : Number(choice);
}

/** A first call to make with a new token, against this server. */
export function exampleCall(origin: string, token: string): string {
  return `curl -H "Authorization: Bearer ${token}" ${origin}/api/v1/computers`;
}
