import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert, type TestCert, TlsServer } from '../../packages/agent/test/tls.js';
import { BIN, freePort, Proc, runCli, sleep, tempDir } from '../harness.js';

/**
 * Security issue 12, with the real built processes: once an agent has pinned
 * a certificate, it connects over TLS with that pin or not at all, and
 * nothing in the chain (state.json, the enroll answer, the server's settings)
 * can downgrade it to a plain ws:// relay that would receive the credential in clear.
 */

const PIN = `${'3C:'.repeat(31)}3C`;

/** A plain HTTP/WebSocket listener that records every connection, request and upgrade with its headers. */
class Listener {
  connections = 0;
  readonly seen: IncomingHttpHeaders[] = [];
  private constructor(private readonly server: Server) {
    server.on('connection', () => {
      this.connections++;
    });
    server.on('request', (req, res) => {
      this.seen.push(req.headers);
      res.writeHead(404).end();
    });
    server.on('upgrade', (req, socket) => {
      this.seen.push(req.headers);
      socket.destroy();
    });
  }

  static async start(): Promise<Listener> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new Listener(server);
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Waits for the process to exit (or `ms`), then stops it; the exit code, or 'still running'. */
async function exitWithin(proc: Proc, ms: number): Promise<number | null | 'still running'> {
  const result = await Promise.race([proc.wait(), sleep(ms).then(() => 'still running' as const)]);
  if (result === 'still running') await proc.stop();
  return result;
}

describe('labmgr-agent run: a pinned agent never talks to a ws:// relay', () => {
  let listener: Listener;
  beforeAll(async () => {
    listener = await Listener.start();
  });
  afterAll(async () => {
    await listener.close();
  });

  it('refuses to start, naming the URL and the way out, and the listener sees nothing', async () => {
    const stateDir = tempDir('labmgr-agent-');
    const relayUrl = `ws://127.0.0.1:${listener.port}/agent`;
    writeFileSync(
      join(stateDir, 'state.json'),
      JSON.stringify({
        computerId: '0b4c8a3e-5f0e-4e7a-9b2d-1c3d4e5f6a7b',
        credential: 'lma_must-never-travel-in-clear',
        relayUrl,
        serverCertFingerprint: PIN,
        commandPublicKey: null,
        serverUrl: 'https://labmgr.example.edu',
        enrolledAt: new Date().toISOString(),
      }),
      { mode: 0o600 },
    );
    const agent = new Proc('agent', BIN.agent, ['run', '--state-dir', stateDir], {
      LABMGR_AGENT_INTERVAL_MS: '1000',
    });
    const code = await exitWithin(agent, 10_000);
    // Give a stray connection attempt time to arrive before looking.
    await sleep(200);
    expect(listener.connections).toBe(0);
    expect(listener.seen.map((h) => h.authorization)).toEqual([]);
    expect(code).toBe(2);
    expect(agent.output).toContain(relayUrl);
    expect(agent.output).toMatch(/pinned/);
    expect(agent.output).toMatch(/wss:\/\//);
    expect(agent.output).toMatch(/enroll/);
    expect(agent.output).not.toContain('lma_must-never-travel-in-clear');
  });
});

describe('labmgr-agent enroll: a server reached over https must name a wss:// relay', () => {
  let cert: TestCert;
  let server: TlsServer;
  let caFile: string;
  const answer = {
    computerId: '0b4c8a3e-5f0e-4e7a-9b2d-1c3d4e5f6a7b',
    credential: 'lma_agent-secret',
    relayUrl: 'ws://127.0.0.1:8081/agent',
    serverCertFingerprint: null,
    commandPublicKey: null,
  };

  beforeAll(async () => {
    cert = selfSignedCert();
    server = await TlsServer.start(cert);
    server.onRequest = () => ({ status: 200, body: answer });
    caFile = join(tempDir(), 'ca.pem');
    writeFileSync(caFile, cert.cert);
  });
  afterAll(async () => {
    await server?.close();
  });

  const expectRefused = (r: { code: number | null; stdout: string; stderr: string }, stateDir: string) => {
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ws://127.0.0.1:8081/agent');
    expect(r.stderr).toContain('LABMGR_RELAY_URL');
    expect(r.stderr).toMatch(/wss:\/\//);
    expect(r.stdout).toBe('');
    expect(existsSync(join(stateDir, 'state.json'))).toBe(false);
  };

  it('pinned with --fingerprint: exits non-zero, says to set LABMGR_RELAY_URL to wss://, writes no state', async () => {
    const stateDir = join(tempDir('labmgr-agent-'), 'state');
    mkdirSync(stateDir, { mode: 0o700 });
    const before = server.requests.length;
    const r = await runCli(BIN.agent, [
      'enroll',
      '--server',
      `https://127.0.0.1:${server.port}`,
      '--token',
      'lme_token',
      '--fingerprint',
      cert.fingerprint,
      '--state-dir',
      stateDir,
    ]);
    expect(server.requests.length).toBe(before + 1);
    expectRefused(r, stateDir);
  });

  it('CA-verified (no pin): refused the same way', async () => {
    const stateDir = tempDir('labmgr-agent-');
    const r = await runCli(
      BIN.agent,
      [
        'enroll',
        '--server',
        `https://127.0.0.1:${server.port}`,
        '--token',
        'lme_token',
        '--state-dir',
        stateDir,
      ],
      { NODE_EXTRA_CA_CERTS: caFile },
    );
    expectRefused(r, stateDir);
  });
});

describe('labmgr-server with TLS refuses a ws:// LABMGR_RELAY_URL', () => {
  it('does not start, and says to use a wss:// URL', async () => {
    const backend = new Proc('backend', BIN.server, [], {
      LABMGR_DATA_DIR: tempDir(),
      LABMGR_TLS: 'auto',
      LABMGR_PORT: String(await freePort()),
      LABMGR_HOST: '127.0.0.1',
      LABMGR_RELAY_URL: 'ws://127.0.0.1:8081/agent',
    });
    const code = await exitWithin(backend, 15_000);
    expect(backend.output).not.toMatch(/labmgr-server listening/);
    expect(code).toBe(2);
    expect(backend.output).toMatch(/LABMGR_RELAY_URL/);
    expect(backend.output).toContain('ws://127.0.0.1:8081/agent');
    expect(backend.output).toMatch(/wss:\/\//);
  });

  it('and one that is not a ws:// or wss:// URL at all', async () => {
    const backend = new Proc('backend', BIN.server, [], {
      LABMGR_DATA_DIR: tempDir(),
      LABMGR_PORT: String(await freePort()),
      LABMGR_HOST: '127.0.0.1',
      LABMGR_RELAY_URL: 'http://127.0.0.1:8081/agent',
    });
    const code = await exitWithin(backend, 15_000);
    expect(code).toBe(2);
    expect(backend.output).toMatch(/LABMGR_RELAY_URL must be a ws:\/\/ or wss:\/\/ URL/);
  });
});
