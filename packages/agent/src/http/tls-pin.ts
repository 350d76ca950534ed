import type { ClientRequestArgs } from 'node:http';
import { Agent } from 'node:https';
import { isIP } from 'node:net';
import { type Duplex, PassThrough } from 'node:stream';
import { connect, type TLSSocket } from 'node:tls';

/** The server's certificate was refused: it does not match the pin, or (unpinned) does not verify. */
export class CertificateError extends Error {
  override readonly name = 'CertificateError';
  constructor(
    message: string,
    readonly reason: 'pin-mismatch' | 'untrusted',
    /** SHA-256 fingerprint of the certificate the server presented. */
    readonly presented: string,
  ) {
    super(message);
  }
}

/**
 * Canonical form of a SHA-256 certificate fingerprint, as Node's
 * `cert.fingerprint256` prints it: 32 upper-case hex bytes joined by colons.
 * Accepts that form, lower case, no separators, and the `SHA256 Fingerprint=`
 * / `sha256:` prefixes openssl and others print. `null` if it is not one.
 *
 * @example normalizeFingerprint('sha256 Fingerprint=3c:ac:…') // '3C:AC:…'
 */
export function normalizeFingerprint(raw: string): string | null {
  const hex = raw
    .trim()
    .replace(/^sha-?256(\s*fingerprint)?\s*[=:]?\s*/i, '')
    .replace(/[\s:]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  return hex.match(/../g)?.join(':') ?? null;
}

export interface TlsTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * Opens a TLS connection and decides about the certificate itself, before a
 * single byte of the request (which carries the credential) is written.
 *
 * - With a `pin`, the chain is not checked at all (a lab server's own,
 *   self-signed certificate is the normal case): the leaf's SHA-256
 *   fingerprint must equal the pin, or the connection is refused. There is
 *   no fallback to an unpinned connection.
 * - Without one, the usual verification applies (system CAs plus
 *   NODE_EXTRA_CA_CERTS, and the host name).
 */
export function connectTls(target: TlsTarget, pin: string | null, timeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: target.host,
      port: target.port,
      // SNI takes a host name only; Node warns on an IP address.
      ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
      // Verification is decided below, on the handshake's outcome.
      rejectUnauthorized: false,
    });
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(
      () => fail(new Error(`TLS handshake with ${target.host}:${target.port} timed out`)),
      timeoutMs,
    );
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      const presented = socket.getPeerCertificate().fingerprint256 ?? '';
      if (pin !== null && presented !== pin) {
        fail(
          new CertificateError(
            `server certificate does not match the pinned fingerprint: expected ${pin}, server presented ${presented}`,
            'pin-mismatch',
            presented,
          ),
        );
        return;
      }
      if (pin === null && !socket.authorized) {
        fail(
          new CertificateError(
            `server certificate does not verify against the system CAs (${String(socket.authorizationError)}); ` +
              `it presented SHA-256 fingerprint ${presented}`,
            'untrusted',
            presented,
          ),
        );
        return;
      }
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

/**
 * An https Agent whose connections go through `connectTls`: the request
 * waits for the certificate decision (Node's Agent accepts a socket given to
 * the `createConnection` callback later), so nothing is sent to a server that
 * fails it. Used for the relay WebSocket (`ws` takes an `agent`) and for enroll.
 */
export class PinnedTlsAgent extends Agent {
  constructor(
    private readonly pin: string | null,
    private readonly timeoutMs = 10_000,
  ) {
    super({ keepAlive: false });
  }

  override createConnection(
    options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const host = options.host ?? options.hostname ?? 'localhost';
    const port = Number(options.port ?? 443);
    connectTls({ host, port }, this.pin, this.timeoutMs).then(
      (socket) => callback?.(null, socket),
      // Node ignores the stream when there is an error; the type still asks for one.
      (err: Error) => callback?.(err, new PassThrough().destroy()),
    );
    return undefined;
  }
}
