import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadServerTls, TlsSetupError } from './server-tls.js';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'labmgr-tls-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loadServerTls', () => {
  it('is null when TLS is off', async () => {
    expect(await loadServerTls({ mode: 'off' }, temp())).toBeNull();
  });

  it('auto: makes a certificate once, for loopback and the extra hosts, and reuses it', async () => {
    const dir = temp();
    const first = await loadServerTls({ mode: 'auto', hosts: ['labs.example.edu', '10.1.2.3'] }, dir);
    expect(first?.generated).toBe(true);
    const x = new X509Certificate(first?.cert ?? '');
    for (const name of [
      'DNS:localhost',
      'IP Address:127.0.0.1',
      'DNS:labs.example.edu',
      'IP Address:10.1.2.3',
    ])
      expect(x.subjectAltName).toContain(name);
    expect(first?.fingerprint).toBe(x.fingerprint256);
    // Issued by the CA made beside it, which is what relays and browsers can trust.
    const ca = new X509Certificate(readFileSync(join(dir, 'tls/ca.crt'), 'utf8'));
    expect(ca.ca).toBe(true);
    expect(x.ca).toBe(false);
    expect(x.checkIssued(ca) && x.verify(ca.publicKey)).toBe(true);
    expect(first?.trustAnchor).toBe(ca.toString());
    for (const key of ['tls/server.key', 'tls/ca.key'])
      expect(statSync(join(dir, key)).mode & 0o777).toBe(0o600);

    const again = await loadServerTls({ mode: 'auto', hosts: [] }, dir);
    expect(again?.generated).toBe(false);
    expect(again?.fingerprint).toBe(first?.fingerprint);
  });

  it('files: reads a matching pair and refuses a key of another certificate, naming the file', async () => {
    const a = temp();
    const b = temp();
    const one = await loadServerTls({ mode: 'auto', hosts: [] }, a);
    await loadServerTls({ mode: 'auto', hosts: [] }, b);
    const certFile = join(a, 'tls/server.crt');
    const pair = await loadServerTls({ mode: 'files', certFile, keyFile: join(a, 'tls/server.key') }, temp());
    expect(pair?.fingerprint).toBe(one?.fingerprint);
    expect(pair?.generated).toBe(false);

    const otherKey = join(b, 'tls/server.key');
    await expect(loadServerTls({ mode: 'files', certFile, keyFile: otherKey }, temp())).rejects.toThrow(
      new RegExp(`${otherKey} is not the private key of the certificate in ${certFile}`),
    );
  });

  it('files: says which file is missing or not PEM', async () => {
    const d = temp();
    const junk = join(d, 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    await expect(
      loadServerTls({ mode: 'files', certFile: join(d, 'nope.crt'), keyFile: junk }, d),
    ).rejects.toThrow(/cannot read the TLS certificate .*nope\.crt: ENOENT/);
    await expect(loadServerTls({ mode: 'files', certFile: junk, keyFile: junk }, d)).rejects.toThrow(
      TlsSetupError,
    );
    expect(readFileSync(junk, 'utf8')).toBe('not a certificate');
  });
});
