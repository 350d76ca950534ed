import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalCommandBytes, fixtures } from '@labmgr/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandSigner } from './command-signing.js';

const command = fixtures.command();

describe('CommandSigner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labmgr-keys-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a private key only its owner can read and keeps it across restarts', () => {
    const first = CommandSigner.loadOrCreate(dir);
    expect(statSync(join(dir, 'keys/command-signing.pem')).mode & 0o777).toBe(0o600);
    const again = CommandSigner.loadOrCreate(dir);
    expect(again.publicKeyPem).toBe(first.publicKeyPem);
    expect(first.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('signs what an agent verifies with the public key, and nothing altered', () => {
    const signer = CommandSigner.loadOrCreate(dir);
    const sig = Buffer.from(signer.sign(command), 'base64');
    const key = createPublicKey(signer.publicKeyPem);
    expect(verify(null, canonicalCommandBytes(command), key, sig)).toBe(true);
    expect(verify(null, canonicalCommandBytes({ ...command, script: 'rm -rf /' }), key, sig)).toBe(false);
  });
});
