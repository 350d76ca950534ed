import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../../test/cli-io.js';
import { selfSignedCert, type TestCert, TlsServer } from '../../test/tls.js';
import { loadAgentState, saveAgentState } from '../state/agent-state.js';
import { runCli } from './cli.js';

/** Security issue 12: a server reached over https must not hand the agent a plain ws:// relay. */

const answer = (relayUrl: string, serverCertFingerprint: string | null = null) => ({
  computerId: '0b4c8a3e-5f0e-4e7a-9b2d-1c3d4e5f6a7b',
  credential: 'lma_agent-secret',
  relayUrl,
  serverCertFingerprint,
  commandPublicKey: null,
});

let cert: TestCert;
let server: TlsServer;
let dir: string;

beforeAll(async () => {
  cert = selfSignedCert();
  server = await TlsServer.start(cert);
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-agent-enroll-relay-'));
  server.requests.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const enroll = async (url: string, ...extra: string[]) => {
  const c = captureIo();
  const code = await runCli(
    ['enroll', '--server', url, '--token', 'tok', '--state-dir', dir, ...extra],
    c.io,
  );
  return { code, stdout: c.stdout, stderr: c.stderr };
};

describe('enroll refuses a ws:// relay URL from a server reached over https', () => {
  it('pinned: exits 1, says to set LABMGR_RELAY_URL to wss://, writes no state', async () => {
    server.onRequest = () => ({ status: 200, body: answer('ws://127.0.0.1:8081/agent') });
    const r = await enroll(`https://127.0.0.1:${server.port}`, '--fingerprint', cert.fingerprint);
    expect(server.requests).toHaveLength(1);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ws://127.0.0.1:8081/agent');
    expect(r.stderr).toContain('LABMGR_RELAY_URL');
    expect(r.stderr).toMatch(/wss:\/\//);
    expect(r.stdout).toBe('');
    expect(await loadAgentState(dir)).toBeNull();
  });

  it('keeps an earlier enrollment as it was', async () => {
    const earlier = {
      ...answer('wss://relay.example.edu:8081/agent', cert.fingerprint),
      serverUrl: 'https://labmgr.example.edu',
      enrolledAt: new Date().toISOString(),
    };
    await saveAgentState(dir, earlier);
    server.onRequest = () => ({ status: 200, body: answer('WS://127.0.0.1:8081/agent') });
    const r = await enroll(`https://127.0.0.1:${server.port}`, '--fingerprint', cert.fingerprint);
    expect(r.code).toBe(1);
    expect(await loadAgentState(dir)).toEqual(earlier);
  });

  it('accepts the same answer with a wss:// relay', async () => {
    server.onRequest = () => ({ status: 200, body: answer('wss://127.0.0.1:8081/agent') });
    const r = await enroll(`https://127.0.0.1:${server.port}`, '--fingerprint', cert.fingerprint);
    expect(r.code).toBe(0);
    expect((await loadAgentState(dir))?.relayUrl).toBe('wss://127.0.0.1:8081/agent');
  });
});

describe('enroll over plain http', () => {
  let http: Server;
  let body: unknown;
  beforeAll(async () => {
    http = createServer((_req, res) => res.writeHead(200).end(JSON.stringify(body)));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  const url = () => {
    const a = http.address();
    return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  };

  it('still accepts ws:// without a pin (development)', async () => {
    body = answer('ws://127.0.0.1:8081/agent');
    const r = await enroll(url());
    expect(r.code).toBe(0);
    expect((await loadAgentState(dir))?.relayUrl).toBe('ws://127.0.0.1:8081/agent');
  });

  it('refuses ws:// when the server names a certificate to pin', async () => {
    body = answer('ws://127.0.0.1:8081/agent', cert.fingerprint);
    const r = await enroll(url());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('LABMGR_RELAY_URL');
    expect(await loadAgentState(dir)).toBeNull();
  });
});
