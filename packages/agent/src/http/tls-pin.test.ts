import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert, type TestCert, TlsServer } from '../../test/tls.js';
import { postJson } from './post-json.js';
import { CertificateError, connectTls, normalizeFingerprint } from './tls-pin.js';

const FP = '3C:AC:48:A2:D6:7B:92:91:D4:D7:2F:39:DC:89:37:63:25:1B:7A:96:6B:7C:69:93:78:DD:16:13:75:1D:8C:97';

describe('normalizeFingerprint', () => {
  it.each([
    [FP, FP],
    [FP.toLowerCase(), FP],
    [FP.replace(/:/g, ''), FP],
    [`sha256 Fingerprint=${FP}`, FP],
    [`SHA256:${FP.replace(/:/g, '').toLowerCase()}`, FP],
  ])('%s', (raw, expected) => {
    expect(normalizeFingerprint(raw)).toBe(expected);
  });

  it.each(['', 'AB:CD', `${FP}:00`, FP.replace('3C', 'ZZ')])('rejects %j', (raw) => {
    expect(normalizeFingerprint(raw)).toBeNull();
  });
});

describe('connectTls and postJson against a self-signed server', () => {
  let cert: TestCert;
  let server: TlsServer;
  beforeAll(async () => {
    cert = selfSignedCert();
    server = await TlsServer.start(cert);
    server.onRequest = (body) => ({ status: 200, body: { echo: body } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('connects when the pin matches', async () => {
    const socket = await connectTls({ host: '127.0.0.1', port: server.port }, cert.fingerprint, 5000);
    expect(socket.getPeerCertificate().fingerprint256).toBe(cert.fingerprint);
    socket.destroy();
  });

  it('refuses a wrong pin, naming both fingerprints, before sending anything', async () => {
    const before = server.requests.length;
    const err = await postJson(
      new URL(`https://127.0.0.1:${server.port}/x`),
      { secret: 1 },
      { timeoutMs: 5000, pin: FP },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificateError);
    expect(err).toMatchObject({ reason: 'pin-mismatch', presented: cert.fingerprint });
    expect(String(err)).toContain(`expected ${FP}, server presented ${cert.fingerprint}`);
    expect(server.requests.length).toBe(before);
  });

  it('refuses a certificate that does not verify when nothing is pinned', async () => {
    const err = await connectTls({ host: '127.0.0.1', port: server.port }, null, 5000).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ reason: 'untrusted', presented: cert.fingerprint });
    expect(String(err)).toMatch(/does not verify against the system CAs \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
  });

  it('posts through a pinned connection', async () => {
    const res = await postJson(
      new URL(`https://127.0.0.1:${server.port}/x`),
      { a: 1 },
      { timeoutMs: 5000, pin: cert.fingerprint },
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ echo: '{"a":1}' });
  });
});
