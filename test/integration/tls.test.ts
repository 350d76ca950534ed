import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, BIN, eventually, freePort, Proc, runCli, tempDir } from '../harness.js';

/** One HTTPS call that trusts only `ca`; the answer's status, cookie and JSON body. */
function call(
  url: string,
  ca: string,
  opts: { method?: string; body?: unknown; cookie?: string } = {},
): Promise<{ status: number; body: unknown; cookie: string | undefined }> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        ca,
        headers: {
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...(opts.cookie ? { cookie: opts.cookie } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text ? JSON.parse(text) : undefined,
            cookie: res.headers['set-cookie']?.[0]?.split(';')[0],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('LABMGR_TLS=auto: HTTPS backend, WSS relay, agent pinned at enrollment', () => {
  const dataDir = tempDir();
  const procs: Proc[] = [];
  let port = 0;
  let relayPort = 0;
  let cert = '';
  let ca = '';
  let fingerprint = '';
  let backendUrl = '';
  const env = () => ({ LABMGR_DATA_DIR: dataDir, LABMGR_TLS: 'auto', LABMGR_RELAY_PORT: String(relayPort) });
  /** `labmgr-agent enroll` over HTTPS with a fresh enrollment token, pinning `pin`. */
  const enroll = async (pin: string) => {
    const stateDir = tempDir('labmgr-agent-');
    const token = (await runCli(BIN.server, ['enrollment-token', 'create'], env())).stdout.match(
      /token: (\S+)/,
    )?.[1];
    const result = await runCli(BIN.agent, [
      'enroll',
      '--server',
      backendUrl,
      '--token',
      token ?? '',
      '--fingerprint',
      pin,
      '--state-dir',
      stateDir,
    ]);
    return { ...result, stateDir };
  };

  beforeAll(async () => {
    port = await freePort();
    relayPort = await freePort();
    backendUrl = `https://127.0.0.1:${port}`;
    const backend = new Proc('backend', BIN.server, [], {
      ...env(),
      LABMGR_PORT: String(port),
      LABMGR_HOST: '127.0.0.1',
      LABMGR_ADMIN_PASSWORD: ADMIN_PASSWORD,
    });
    procs.push(backend);
    await backend.waitForOutput(/labmgr-server listening/);
    cert = readFileSync(join(dataDir, 'tls/server.crt'), 'utf8');
    ca = readFileSync(join(dataDir, 'tls/ca.crt'), 'utf8');
    fingerprint = new X509Certificate(cert).fingerprint256;

    const relayToken = (
      await runCli(BIN.server, ['relay-token', 'create', '--name', 'tls'], env())
    ).stdout.match(/token: (\S+)/)?.[1];
    const relay = new Proc('relay', BIN.relay, [], {
      LABMGR_DATA_DIR: dataDir,
      LABMGR_RELAY_PORT: String(relayPort),
      LABMGR_RELAY_HOST: '127.0.0.1',
      LABMGR_RELAY_TOKEN: relayToken,
      LABMGR_BACKEND_URL: backendUrl,
      LABMGR_RELAY_BACKEND_CA: join(dataDir, 'tls/ca.crt'),
      LABMGR_RELAY_TLS_CERT: join(dataDir, 'tls/server.crt'),
      LABMGR_RELAY_TLS_KEY: join(dataDir, 'tls/server.key'),
    });
    procs.push(relay);
    await relay.waitForOutput(/listening/);
  }, 60_000);

  afterAll(async () => {
    for (const p of procs.reverse()) await p.stop();
  });

  it('made a CA and with it a certificate for this machine and loopback, keys private to the server', () => {
    const x = new X509Certificate(cert);
    expect(x.checkIssued(new X509Certificate(ca))).toBe(true);
    expect(statSync(join(dataDir, 'tls/ca.key')).mode & 0o777).toBe(0o600);
    expect(x.subjectAltName).toContain('DNS:localhost');
    expect(x.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(statSync(join(dataDir, 'tls/server.key')).mode & 0o777).toBe(0o600);
  });

  it('serves the API over HTTPS only', async () => {
    const health = await call(`${backendUrl}/api/v1/health`, ca);
    expect(health.status).toBe(200);
    const plain = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(plain).not.toBe(200);
  });

  it('refuses to enroll an agent that pins another certificate', async () => {
    const wrong = fingerprint.replace(/^../, fingerprint.startsWith('00') ? '11' : '00');
    const r = await enroll(wrong);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/does not match the pinned fingerprint/);
    expect(r.stderr).toContain(fingerprint);
  });

  it('enrolls with the pin, connects over wss and its samples are stored', async () => {
    const enrolled = await enroll(fingerprint);
    const { stateDir } = enrolled;
    expect(enrolled.stderr).toContain(`certificate pinned (${fingerprint})`);
    expect(enrolled.code).toBe(0);
    const computerId = enrolled.stdout.trim();
    const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as Record<string, unknown>;
    expect(state.relayUrl).toBe(`wss://127.0.0.1:${relayPort}/agent`);
    expect(state.serverCertFingerprint).toBe(fingerprint);

    const agent = new Proc('agent', BIN.agent, ['run', '--state-dir', stateDir], {
      LABMGR_AGENT_INTERVAL_MS: '1000',
    });
    procs.push(agent);
    const login = await call(`${backendUrl}/api/v1/auth/login`, ca, {
      method: 'POST',
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    expect(login.status).toBe(200);
    const computer = await eventually(
      async () => {
        const r = await call(`${backendUrl}/api/v1/computers/${computerId}`, ca, { cookie: login.cookie });
        const body = r.body as { status: string; metrics: unknown };
        return body.status === 'online' && body.metrics ? body : undefined;
      },
      30_000,
      'the agent online with metrics over TLS',
    );
    expect(computer.status).toBe('online');
    // Backend → relay over HTTPS too: the control call behind live mode reaches the agent.
    const live = await call(`${backendUrl}/api/v1/computers/${computerId}/live-mode`, ca, {
      method: 'POST',
      body: {},
      cookie: login.cookie,
    });
    expect(live).toMatchObject({ status: 200, body: { status: 'delivered' } });
    await agent.waitForOutput(/live mode: sampling faster/, 10_000);
  });

  it('an agent refuses a server that presents another certificate than the pinned one', async () => {
    const enrolled = await enroll(fingerprint);
    const { stateDir } = enrolled;
    expect(enrolled.code).toBe(0);
    // Another installation's relay: its own auto certificate, same backend otherwise.
    const otherDir = tempDir();
    const otherPort = await freePort();
    const other = new Proc('other-backend', BIN.server, [], {
      LABMGR_DATA_DIR: otherDir,
      LABMGR_TLS: 'auto',
      LABMGR_PORT: String(otherPort),
      LABMGR_HOST: '127.0.0.1',
      LABMGR_ADMIN_PASSWORD: ADMIN_PASSWORD,
    });
    procs.push(other);
    await other.waitForOutput(/labmgr-server listening/);
    const stateFile = join(stateDir, 'state.json');
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(stateFile, JSON.stringify({ ...state, relayUrl: `wss://127.0.0.1:${otherPort}/agent` }), {
      mode: 0o600,
    });
    const agent = new Proc('agent', BIN.agent, ['run', '--state-dir', stateDir], {
      LABMGR_AGENT_INTERVAL_MS: '1000',
    });
    procs.push(agent);
    const line = await agent.waitForOutput(/does not match the pinned fingerprint[^\n]*/);
    expect(line[0]).toContain(fingerprint);
    expect(agent.output).not.toMatch(/"msg":"connected/);
  });
});
