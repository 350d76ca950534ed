import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../../test/cli-io.js';
import { selfSignedCert, type TestCert, TlsServer } from '../../test/tls.js';
import { loadAgentState } from '../state/agent-state.js';
import { runCli } from './cli.js';

const answer = {
  computerId: '0b4c8a3e-5f0e-4e7a-9b2d-1c3d4e5f6a7b',
  credential: 'agent-secret',
  relayUrl: 'wss://127.0.0.1:8081/agent',
  serverCertFingerprint: null as string | null,
  commandPublicKey: null,
};

let cert: TestCert;
let server: TlsServer;
let dir: string;
let url: string;

beforeAll(async () => {
  cert = selfSignedCert();
  server = await TlsServer.start(cert);
  url = `https://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-agent-enroll-tls-'));
  server.requests.length = 0;
  server.onRequest = () => ({ status: 201, body: answer });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const enroll = (...extra: string[]) => {
  const c = captureIo();
  return runCli(['enroll', '--server', url, '--token', 'tok', '--state-dir', dir, ...extra], c.io).then(
    (code) => ({ code, ...c }),
  );
};

describe('enroll over https', () => {
  it('refuses a self-signed server without --fingerprint, saying to pass one, and sends nothing', async () => {
    const r = await enroll();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not verify against the system CAs');
    expect(r.stderr).toContain(cert.fingerprint);
    expect(r.stderr).toContain('pass it with --fingerprint');
    expect(server.requests).toEqual([]);
    expect(await loadAgentState(dir)).toBeNull();
  });

  it('pins the given fingerprint on first contact and stores it', async () => {
    const r = await enroll('--fingerprint', cert.fingerprint.replace(/:/g, '').toLowerCase());
    expect(r.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect((await loadAgentState(dir))?.serverCertFingerprint).toBe(cert.fingerprint);
    expect(r.stderr).toContain(`certificate pinned (${cert.fingerprint})`);
  });

  it('stores the fingerprint the server names for its relay, normalised', async () => {
    const relayFp = `${'AA:'.repeat(31)}AA`;
    server.onRequest = () => ({
      status: 201,
      body: { ...answer, serverCertFingerprint: relayFp.toLowerCase() },
    });
    expect((await enroll('--fingerprint', cert.fingerprint)).code).toBe(0);
    expect((await loadAgentState(dir))?.serverCertFingerprint).toBe(relayFp);
  });

  it('refuses a server whose certificate does not match --fingerprint, naming both', async () => {
    const wrong = `${'AB:'.repeat(31)}AB`;
    const r = await enroll('--fingerprint', wrong);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`expected ${wrong}, server presented ${cert.fingerprint}`);
    expect(server.requests).toEqual([]);
  });

  it('rejects a malformed fingerprint, and one given for plain http, with exit 2', async () => {
    expect((await enroll('--fingerprint', 'abc')).code).toBe(2);
    const c = captureIo();
    expect(
      await runCli(
        ['enroll', '--server', 'http://127.0.0.1:1', '--token', 't', '--fingerprint', cert.fingerprint],
        c.io,
      ),
    ).toBe(2);
    expect(c.stderr).toContain('--fingerprint needs an https:// --server');
  });
});
