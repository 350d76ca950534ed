// A throw-away self-signed certificate for 127.0.0.1, written to a temp
// folder, for the relay's TLS tests. Not part of the build.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertFiles {
  certFile: string;
  keyFile: string;
  /** PEM text of the certificate, to trust it as a CA in clients. */
  cert: string;
  remove(): void;
}

/** Made with the openssl CLI (Node cannot issue certificates). */
export function selfSignedCertFiles(): TestCertFiles {
  const dir = mkdtempSync(join(tmpdir(), 'labmgr-relay-cert-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=labmgr-relay-test',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return {
    certFile,
    keyFile,
    cert: readFileSync(certFile, 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
