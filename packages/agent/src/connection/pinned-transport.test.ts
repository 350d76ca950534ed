import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../../test/cli-io.js';
import { connectionHarness } from '../../test/connection-harness.js';
import { FakeRelay } from '../../test/fake-relay.js';
import { runCli } from '../cli/cli.js';
import { postJson } from '../http/post-json.js';
import { saveAgentState } from '../state/agent-state.js';
import type { AgentConnection } from './agent-connection.js';
import { openSocket } from './socket.js';

/**
 * Security issue 12: once a certificate is pinned, the agent makes TLS
 * connections with that pin or none at all. A `ws://` / `http://` URL next to
 * a pin is refused before a socket is opened, so the credential (or an
 * enrollment token) is never written in clear.
 */

const PIN = `${'3C:'.repeat(31)}3C`;

/** A plain HTTP listener that records every TCP connection, request and upgrade (with headers). */
class Recorder {
  connections = 0;
  readonly requests: IncomingHttpHeaders[] = [];
  private constructor(private readonly server: Server) {
    server.on('connection', () => {
      this.connections++;
    });
    server.on('request', (req, res) => {
      this.requests.push(req.headers);
      res.writeHead(404).end();
    });
    server.on('upgrade', (req, socket) => {
      this.requests.push(req.headers);
      socket.destroy();
    });
  }

  static async start(): Promise<Recorder> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new Recorder(server);
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('AgentConnection with a pinned certificate and a ws:// relay URL', () => {
  let relay: FakeRelay;
  let conn: AgentConnection | undefined;
  beforeEach(async () => {
    relay = await FakeRelay.start();
  });
  afterEach(async () => {
    await conn?.stop();
    conn = undefined;
    await relay.close();
  });

  it('never connects to the listening relay, says why in lastError and stops', async () => {
    const upgrades: Array<string | undefined> = [];
    relay.decide = (req) => {
      upgrades.push(req.headers.authorization);
      return { accept: true };
    };
    const { connection, logs, events } = connectionHarness(relay, {
      overrides: { serverCertFingerprint: PIN },
    });
    conn = connection;
    connection.start();
    // Backoff is 5–20 ms: a connection that retried would have reached the relay many times by now.
    await sleep(300);
    expect(upgrades).toEqual([]);
    expect(relay.connections).toEqual([]);
    const status = connection.status();
    expect(status.state).toBe('stopped');
    expect(status.connected).toBe(false);
    expect(status.lastError).toContain(relay.url);
    expect(status.lastError).toMatch(/pinned/);
    expect(status.lastError).toMatch(/wss:\/\//);
    expect(events.some((e) => e.type === 'retry')).toBe(false);
    expect(logs.find((l) => l.includes('refusing relay URL'))).toContain('"level":50');
  });

  it('without a pin, plain ws:// still connects (development setups)', async () => {
    const { connection } = connectionHarness(relay, { overrides: { serverCertFingerprint: null } });
    conn = connection;
    connection.start();
    const side = await relay.connection(0);
    expect(side.authorization).toBe('Bearer cred-1');
  });
});

describe('openSocket / postJson with a pin and a plain URL', () => {
  let recorder: Recorder;
  beforeEach(async () => {
    recorder = await Recorder.start();
  });
  afterEach(async () => {
    await recorder.close();
  });

  it('openSocket throws before opening anything, for any spelling of ws://', async () => {
    for (const url of [`ws://127.0.0.1:${recorder.port}/agent`, `WS://127.0.0.1:${recorder.port}/agent`]) {
      expect(() => openSocket(url, 'lma_secret', 1000, PIN), url).toThrow(/pinned.*wss:\/\//);
    }
    await sleep(100);
    expect(recorder.connections).toBe(0);
    expect(recorder.requests).toEqual([]);
  });

  it('postJson rejects an http: URL when a pin is given, sending nothing', async () => {
    await expect(
      postJson(
        new URL(`http://127.0.0.1:${recorder.port}/api/v1/agents/enroll`),
        { token: 'lme_x' },
        {
          timeoutMs: 1000,
          pin: PIN,
        },
      ),
    ).rejects.toThrow(/pinned.*https:\/\//);
    await sleep(100);
    expect(recorder.connections).toBe(0);
    expect(recorder.requests).toEqual([]);
  });
});

describe('labmgr-agent run with a pinned certificate and a ws:// relay URL', () => {
  let dir: string;
  let recorder: Recorder;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'labmgr-agent-pin-'));
    recorder = await Recorder.start();
  });
  afterEach(async () => {
    await recorder.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start, naming the URL and what to do, and connects nowhere', async () => {
    const relayUrl = `ws://127.0.0.1:${recorder.port}/agent`;
    await saveAgentState(dir, {
      computerId: '0b4c8a3e-5f0e-4e7a-9b2d-1c3d4e5f6a7b',
      credential: 'lma_secret',
      relayUrl,
      serverCertFingerprint: PIN,
      commandPublicKey: null,
      serverUrl: 'https://labmgr.example.edu',
      enrolledAt: new Date().toISOString(),
    });
    const c = captureIo();
    const code = await Promise.race([
      runCli(['run', '--state-dir', dir], c.io),
      sleep(5000).then(() => 'running'),
    ]);
    expect(code).toBe(2);
    expect(c.stderr).toContain(relayUrl);
    expect(c.stderr).toMatch(/wss:\/\//);
    expect(c.stderr).toMatch(/enroll/);
    expect(recorder.connections).toBe(0);
    expect(recorder.requests).toEqual([]);
  });
});
