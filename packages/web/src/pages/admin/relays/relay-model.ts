import type { RelaySummary } from '@labmgr/protocol';
import { toEpochMs } from '../../../format/time.js';
import { shellWord } from '../../enrollment/install-commands.js';

export type RelayStatus = 'online' | 'offline' | 'waiting' | 'revoked';

/**
 * Relays register every 30 s; three missed registrations make one offline
 * (one late report on a busy server does not flap the status).
 */
export const RELAY_OFFLINE_AFTER_MS = 90_000;

export const RELAY_STATUS_META: Record<RelayStatus, { label: string; color: string }> = {
  online: { label: 'Online', color: 'teal' },
  offline: { label: 'Offline', color: 'red' },
  waiting: { label: 'Never connected', color: 'gray' },
  revoked: { label: 'Deleted', color: 'gray' },
};

export function relayStatus(relay: RelaySummary, now: number): RelayStatus {
  if (relay.revokedAt !== null) return 'revoked';
  if (relay.lastSeenAt === null) return 'waiting';
  return now - toEpochMs(relay.lastSeenAt) <= RELAY_OFFLINE_AFTER_MS ? 'online' : 'offline';
}

/** Online first, then by name: the relays that need attention are easy to spot below. */
const ORDER: Record<RelayStatus, number> = { online: 0, offline: 1, waiting: 2, revoked: 3 };

export function sortRelays(relays: readonly RelaySummary[], now: number): RelaySummary[] {
  return [...relays].sort(
    (a, b) => ORDER[relayStatus(a, now)] - ORDER[relayStatus(b, now)] || a.name.localeCompare(b.name),
  );
}

/** Starts a relay with its service token against this server (environment, not flags: argv is visible to all users). */
export function relayStartCommand(backendUrl: string, name: string, token: string): string {
  return [
    `LABMGR_RELAY_TOKEN=${shellWord(token)} \\`,
    `LABMGR_RELAY_ID=${shellWord(name)} \\`,
    `LABMGR_BACKEND_URL=${shellWord(backendUrl)} \\`,
    'labmgr-relay',
  ].join('\n');
}
