import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnrollRequest } from '@labmgr/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../../test/cli-io.js';
import { runCli } from './cli.js';

const response = {
  computerId: '0b4c8a3e-5f0e-4e7a-9b2d-1c3d4e5f6a7b',
  credential: 'agent-secret',
  relayUrl: 'ws://127.0.0.1:8081/agent',
  serverCertFingerprint: null,
  commandPublicKey: null,
};

let dir: string;
let server: Server;
let baseUrl: string;
let handle: (req: IncomingMessage, body: string, res: ServerResponse) => void;
const requests: Array<{ method?: string; url?: string; body: string }> = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-agent-enroll-'));
  requests.length = 0;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, body });
      handle(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening');
  baseUrl = `http://127.0.0.1:${address.port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

function reply(status: number, body: unknown) {
  return (_req: IncomingMessage, _body: string, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
}

describe('enroll', () => {
  it('posts token and hostname, stores the state privately and prints the computer id', async () => {
    handle = reply(201, response);
    const c = captureIo();
    const stateDir = join(dir, 'agent');
    expect(
      await runCli(['enroll', '--server', `${baseUrl}/`, '--token', 'tok-1', '--state-dir', stateDir], c.io),
    ).toBe(0);

    expect(c.stdout.trim()).toBe(response.computerId);
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.url).toBe('/api/v1/agents/enroll');
    const sent = EnrollRequest.parse(JSON.parse(requests[0]?.body ?? ''));
    expect(sent.token).toBe('tok-1');
    expect(sent.hostname.length).toBeGreaterThan(0);

    const file = join(stateDir, 'state.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved).toMatchObject({ ...response, serverUrl: baseUrl });
    expect(Number.isNaN(Date.parse(saved.enrolledAt))).toBe(false);
  });

  it('prints the server error message and exits 1', async () => {
    handle = reply(401, { error: { code: 'invalid_token', message: 'enrollment token expired' } });
    const c = captureIo();
    expect(await runCli(['enroll', '--server', baseUrl, '--token', 'old', '--state-dir', dir], c.io)).toBe(1);
    expect(c.stderr.trim()).toBe('enroll failed: enrollment token expired');
  });

  it('explains a non-API error page', async () => {
    handle = (_req, _body, res) => res.writeHead(502, 'Bad Gateway').end('<html>bad gateway</html>');
    const c = captureIo();
    expect(await runCli(['enroll', '--server', baseUrl, '--token', 't', '--state-dir', dir], c.io)).toBe(1);
    expect(c.stderr).toContain('enroll failed: server answered HTTP 502 Bad Gateway');
  });

  it('rejects a success body that is not an EnrollResponse', async () => {
    handle = reply(200, { ...response, computerId: 'not-a-uuid' });
    const c = captureIo();
    expect(await runCli(['enroll', '--server', baseUrl, '--token', 't', '--state-dir', dir], c.io)).toBe(1);
    expect(c.stderr).toMatch(/enroll failed: unexpected answer from server \(computerId/);
  });

  it('reports an unreachable server clearly, exit 1', async () => {
    handle = reply(200, response);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server = createServer();
    const c = captureIo();
    expect(await runCli(['enroll', '--server', baseUrl, '--token', 't', '--state-dir', dir], c.io)).toBe(1);
    expect(c.stderr).toMatch(/enroll failed: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
  });

  it('exits 1 with one line when the state cannot be saved', async () => {
    handle = reply(201, response);
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'not a directory');
    const c = captureIo();
    expect(
      await runCli(
        ['enroll', '--server', baseUrl, '--token', 't', '--state-dir', join(blocker, 'agent')],
        c.io,
      ),
    ).toBe(1);
    expect(c.stderr).toMatch(/^labmgr-agent enroll: .*ENOTDIR/m);
  });
});
