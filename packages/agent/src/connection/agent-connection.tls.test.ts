import { fixtures } from '@labmgr/protocol';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert, type TestCert, TlsServer } from '../../test/tls.js';
import { MemorySampleBuffer } from '../buffer/sample-buffer.js';
import { createLogger } from '../logging/logger.js';
import { AgentConnection } from './agent-connection.js';
import type { ConnectionEvent } from './connection-state.js';

let cert: TestCert;
let server: TlsServer;
let conn: AgentConnection | undefined;

beforeAll(async () => {
  cert = selfSignedCert();
});
afterEach(async () => {
  await conn?.stop();
  conn = undefined;
  await server.close();
});

function connect(pin: string | null) {
  const logs: string[] = [];
  const events: ConnectionEvent[] = [];
  conn = new AgentConnection({
    url: `wss://127.0.0.1:${server.port}/agent`,
    credential: 'cred-secret',
    serverCertFingerprint: pin,
    hostname: 'pc01',
    agentVersion: '0.1.0',
    store: new MemorySampleBuffer(10),
    inventory: fixtures.inventory(),
    log: createLogger('debug', { write: (line: string) => logs.push(line) }),
    backoff: { baseMs: 5, capMs: 20 },
  });
  conn.onEvent((e) => events.push(e));
  conn.start();
  return { logs, events };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('AgentConnection over wss:// with a pinned certificate', () => {
  it('connects when the fingerprint matches the pin', async () => {
    server = await TlsServer.start(cert);
    connect(cert.fingerprint);
    await until(() => server.sockets.length > 0);
    expect(server.upgrades[0]?.headers.authorization).toBe('Bearer cred-secret');
    await until(() => server.messages.length > 0);
    expect(JSON.parse(server.messages[0] ?? '')).toMatchObject({ type: 'hello', hostname: 'pc01' });
  });

  it('refuses a mismatching certificate with both fingerprints, never sends the credential, and backs off', async () => {
    server = await TlsServer.start(cert);
    const wrong = cert.fingerprint.replace(/^../, cert.fingerprint.startsWith('00') ? '11' : '00');
    const { logs, events } = connect(wrong);
    await until(() => events.filter((e) => e.type === 'retry').length >= 2);
    expect(server.upgrades).toEqual([]);
    const line = logs.find((l) => l.includes('refusing relay'));
    expect(line).toContain('"level":50');
    expect(line).toContain(`"expected":"${wrong}"`);
    expect(line).toContain(`"presented":"${cert.fingerprint}"`);
    expect(conn?.status().lastError).toContain(`expected ${wrong}, server presented ${cert.fingerprint}`);
    expect(conn?.status().connected).toBe(false);
  });

  it('without a pin, refuses a certificate that does not verify against the system CAs', async () => {
    server = await TlsServer.start(cert);
    const { events } = connect(null);
    await until(() => events.some((e) => e.type === 'retry'));
    expect(server.upgrades).toEqual([]);
    expect(conn?.status().lastError).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});
