import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { CommandFrame } from '@labmgr/protocol';
import { canonicalCommandBytes } from '@labmgr/protocol/compiled';

/** How far in the future `issuedAt` may be before the agent suspects the clock or the command. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

const ED25519_SIGNATURE_BYTES = 64;

/** The pinned key, ready to verify with, or why it cannot be used. */
export type SigningKey =
  | { readonly ok: true; readonly key: KeyObject }
  | { readonly ok: false; readonly why: string };

/** Parses the PEM pinned at enrollment once, so each command only pays for the verify. */
export function loadSigningKey(pem: string | null): SigningKey {
  if (pem === null) {
    return { ok: false, why: 'no command-signing key pinned: re-enroll with a server that signs commands' };
  }
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') {
      return {
        ok: false,
        why: `pinned command-signing key is ${key.asymmetricKeyType}, not ed25519: re-enroll`,
      };
    }
    return { ok: true, key };
  } catch {
    return { ok: false, why: 'pinned command-signing key is not a valid PEM public key: re-enroll' };
  }
}

/**
 * Is this frame really from our backend and meant for this computer? Checked
 * before anything else is done with it, because the relay that delivered it
 * is not trusted. Returns the reason for refusal, or null when authentic.
 */
export function authenticityRefusal(
  frame: CommandFrame,
  signingKey: SigningKey,
  computerId: string,
): string | null {
  if (!signingKey.ok) return signingKey.why;
  const signature = Buffer.from(frame.signature, 'base64');
  // Buffer.from(…, 'base64') skips junk instead of failing, so check the length it produced.
  if (signature.length !== ED25519_SIGNATURE_BYTES) return 'invalid command signature (malformed)';
  let valid = false;
  try {
    valid = verify(null, canonicalCommandBytes(frame.command), signingKey.key, signature);
  } catch {
    valid = false;
  }
  if (!valid) return 'invalid command signature: not signed by the pinned key, or altered after signing';
  if (frame.command.computerId !== computerId) {
    return `command is for computer ${frame.command.computerId}, this agent is ${computerId}`;
  }
  return null;
}

/** Too old or too far in the future for this agent's clock; null when fresh. */
export function freshnessRefusal(frame: CommandFrame, now: number): string | null {
  const { issuedAt, expiresAt } = frame.command;
  if (now > expiresAt) {
    return `command expired at ${iso(expiresAt)} (agent clock ${iso(now)})`;
  }
  if (issuedAt > now + MAX_CLOCK_SKEW_MS) {
    return `command issued at ${iso(issuedAt)}, more than 5 min ahead of the agent clock (${iso(now)}): check clocks`;
  }
  return null;
}

function iso(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}
