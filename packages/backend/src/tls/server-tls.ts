import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { TlsSetting } from '../config.js';

/** The certificate and key the server (and relays sharing them) present. */
export interface ServerTls {
  /** PEM: the certificate, then any chain. */
  cert: string;
  /** PEM private key of the first certificate. */
  key: string;
  /** SHA-256 fingerprint of the first certificate, as agents pin it (`AB:CD:…`). */
  fingerprint: string;
  certFile: string;
  keyFile: string;
  /**
   * PEM of the certificate that vouches for `cert` when a relay presents it:
   * the generated CA (LABMGR_TLS=auto), else the configured certificate itself.
   */
  trustAnchor: string;
  /** Made by this start (LABMGR_TLS=auto, first start). */
  generated: boolean;
}

export class TlsSetupError extends Error {}

/** Validity of a generated certificate: agents pin it, so a renewal means re-enrolling. */
const AUTO_VALIDITY_DAYS = 3650;

/**
 * The server's TLS material for `setting`: read from the configured files, or
 * (auto) from `<dataDir>/tls/`, where the first start makes, the way
 * MeshCentral does, a self-signed CA (`ca.crt`, `ca.key`) and with it the
 * server certificate (`server.crt` with the CA after it, `server.key`) for
 * this machine's name, localhost, 127.0.0.1, ::1 and `hosts`. Null when TLS
 * is off. The certificate must match its key; errors name the file and say
 * what is wrong.
 */
export async function loadServerTls(setting: TlsSetting, dataDir: string): Promise<ServerTls | null> {
  switch (setting.mode) {
    case 'off':
      return null;
    case 'files':
      return readPair(setting.certFile, setting.keyFile, null, false);
    case 'auto': {
      const files = autoFiles(dataDir);
      const generated = !(existsSync(files.cert) && existsSync(files.key) && existsSync(files.caCert));
      if (generated) await generate(files, setting.hosts);
      return readPair(files.cert, files.key, files.caCert, generated);
    }
  }
}

/** Where LABMGR_TLS=auto keeps its files. */
export function autoFiles(dataDir: string): { cert: string; key: string; caCert: string; caKey: string } {
  const dir = join(dataDir, 'tls');
  return {
    cert: join(dir, 'server.crt'),
    key: join(dir, 'server.key'),
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
  };
}

function readPair(certFile: string, keyFile: string, caFile: string | null, generated: boolean): ServerTls {
  const cert = readText(certFile, 'certificate');
  const trustAnchor = caFile ? readText(caFile, 'CA certificate') : cert;
  const key = readText(keyFile, 'private key');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (err) {
    throw new TlsSetupError(`${certFile} is not a PEM certificate: ${(err as Error).message}`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new TlsSetupError(`${keyFile} is not a PEM private key: ${(err as Error).message}`);
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new TlsSetupError(`${keyFile} is not the private key of the certificate in ${certFile}`);
  }
  return { cert, key, fingerprint: leaf.fingerprint256, certFile, keyFile, trustAnchor, generated };
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new TlsSetupError(
      `cannot read the TLS ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
}

/** The names a generated certificate covers: this machine, loopback, and the configured hosts. */
export function autoCertificateHosts(extra: readonly string[]): string[] {
  const name = hostname();
  return [...new Set([name, 'localhost', '127.0.0.1', '::1', ...extra].filter(Boolean))];
}

async function generate(files: ReturnType<typeof autoFiles>, extra: readonly string[]): Promise<void> {
  // Loaded only here: it is needed once per installation, and it installs a
  // Reflect metadata polyfill the rest of the server has no use for.
  const { default: selfsigned } = await import('selfsigned');
  const hosts = autoCertificateHosts(extra);
  const now = Date.now();
  const common = {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + AUTO_VALIDITY_DAYS * 86_400_000),
  } as const;
  const ca = await selfsigned.generate([{ name: 'commonName', value: `Lab Manager CA on ${hostname()}` }], {
    ...common,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await selfsigned.generate([{ name: 'commonName', value: `Lab Manager on ${hostname()}` }], {
    ...common,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: hosts.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })),
      },
    ],
  });
  mkdirSync(dirname(files.cert), { recursive: true, mode: 0o700 });
  for (const [file, pem] of [
    [files.caKey, ca.private],
    [files.key, server.private],
  ] as const) {
    writeFileSync(file, pem, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  writeFileSync(files.caCert, pem(ca.cert), { mode: 0o644 });
  // The chain a client needs besides its trust anchor: the server certificate, then the CA.
  writeFileSync(files.cert, pem(server.cert) + pem(ca.cert), { mode: 0o644 });
}

/** One PEM block ending in a newline (the generator leaves it off, and blocks must not run together). */
function pem(text: string): string {
  return `${text.trimEnd()}\n`;
}
