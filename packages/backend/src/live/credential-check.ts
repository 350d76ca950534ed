import { LiveCloseCode } from '@labmgr/protocol';
import type { LiveHub, LiveOwner } from './live-hub.js';

/** How often open live sockets are checked against their session or token. */
export const CREDENTIAL_CHECK_MS = 30_000;

/**
 * Sessions expire and API tokens run out with no call that could close their
 * live sockets (revocations close them at once, in the services): this
 * re-checks every open socket's credentials now and then and closes those
 * that no longer let their user in. Returns the function that stops it.
 */
export function startLiveCredentialCheck(
  hub: LiveHub,
  stillValid: (owner: LiveOwner) => Promise<boolean>,
  onError: (err: unknown) => void,
  intervalMs = CREDENTIAL_CHECK_MS,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    checkOnce(hub, stillValid)
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

export async function checkOnce(
  hub: LiveHub,
  stillValid: (owner: LiveOwner) => Promise<boolean>,
): Promise<void> {
  const seen = new Set<string>();
  for (const owner of hub.owners()) {
    const key = `${owner.userId}|${owner.sessionId ?? ''}|${owner.tokenId ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (await stillValid(owner)) continue;
    hub.revoke(
      owner.sessionId !== null
        ? { kind: 'session', sessionId: owner.sessionId }
        : { kind: 'token', tokenId: owner.tokenId ?? '' },
      LiveCloseCode.credentialsEnded,
      'session expired; sign in again',
    );
  }
}
