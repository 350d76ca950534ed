import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CommandRequest, canonicalCommandBytes } from '@labmgr/protocol';

/**
 * The Ed25519 key that signs every command. Agents pin its public half at
 * enrollment, so a relay (or anyone between) cannot make them run anything.
 * Created on first start in `<dataDir>/keys/`, private half readable by the
 * server's user only.
 */
export class CommandSigner {
  private constructor(
    private readonly privateKey: KeyObject,
    /** SPKI PEM, as agents store it. */
    readonly publicKeyPem: string,
  ) {}

  static loadOrCreate(dataDir: string): CommandSigner {
    const dir = join(dataDir, 'keys');
    const file = join(dir, 'command-signing.pem');
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const { privateKey } = generateKeyPairSync('ed25519');
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      // Write then rename, so a crash never leaves half a key that a restart would trust.
      writeFileSync(`${file}.tmp`, pem, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    }
    chmodSync(file, 0o600);
    const privateKey = createPrivateKey(readFileSync(file));
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 private key`);
    const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
    return new CommandSigner(privateKey, publicKeyPem);
  }

  /** Base64 Ed25519 signature over the command's canonical bytes. */
  sign(command: CommandRequest): string {
    return sign(null, canonicalCommandBytes(command), this.privateKey).toString('base64');
  }
}
