import { hostname } from 'node:os';
import { type ComputerDetail, fixtures, PROTOCOL_VERSION } from '@labmgr/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, type System, startSystem } from '../harness.js';
import { expectOnceAndInOrder, storedPoints } from './agent-helpers.js';

/** Opens a raw agent connection with a credential, as a hostile or buggy agent would. */
function rawAgent(
  url: string,
  credential: string,
): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${credential}` } });
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: String(reason) })),
    );
    ws.once('open', () => resolve({ ws, closed }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('agent → relay → backend, real processes', () => {
  let sys: System;
  let computerId = '';

  beforeAll(async () => {
    sys = await startSystem();
    await sys.startRelay();
    const enrolled = await sys.enrollAgent();
    computerId = enrolled.computerId;
    sys.startAgent(enrolled.stateDir);
  });

  afterAll(async () => {
    await sys?.stop();
  });

  it("stores the agent's samples and shows the computer online with its inventory", async () => {
    const points = await eventually(
      async () => {
        const p = await storedPoints(sys, computerId);
        return p.length >= 3 ? p : undefined;
      },
      30_000,
      'three samples stored',
    );
    expectOnceAndInOrder(points);
    const detail = await sys.api.json<ComputerDetail>('GET', `/api/v1/computers/${computerId}`);
    expect(detail.status).toBe('online');
    expect(detail.hostname).toBe(hostname());
    expect(detail.inventory?.os.platform).toBe('linux');
    expect(detail.metrics?.memTotalBytes).toBeGreaterThan(0);
    expect(detail.metrics?.cpuPercent).toBeGreaterThanOrEqual(0);
  });

  it('refuses an unknown credential at the upgrade with 401', async () => {
    await expect(rawAgent(sys.relayUrl, 'lma_not-a-real-credential')).rejects.toThrow('upgrade refused: 401');
  });

  it('closes only the agent that sends a malformed frame, with a reason', async () => {
    const token = await sys.api.json<{ token: string }>('POST', '/api/v1/enrollment-tokens', { uses: 1 });
    const enroll = await fetch(`${sys.backendUrl}/api/v1/agents/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: token.token, hostname: 'bad-agent' }),
    });
    const { credential } = (await enroll.json()) as { credential: string };
    const before = (await storedPoints(sys, computerId)).length;

    const bad = await rawAgent(sys.relayUrl, credential);
    bad.ws.send(JSON.stringify({ ...fixtures.hello(), protocolVersion: PROTOCOL_VERSION }));
    bad.ws.send('{"type":"metrics","seq":"one"');
    const closed = await bad.closed;
    expect(closed.code).toBe(4400);
    expect(closed.reason).toMatch(/JSON/);

    // The real agent kept going.
    await eventually(
      async () => (await storedPoints(sys, computerId)).length >= before + 2,
      20_000,
      'more samples',
    );
    expect(sys.relay?.running).toBe(true);
  });

  it('loses no sample while the backend is down', async () => {
    const before = await storedPoints(sys, computerId);
    await sys.restartBackend({ downMs: 4000 });
    const points = await eventually(
      async () => {
        const p = await storedPoints(sys, computerId);
        return p.length >= before.length + 6 ? p : undefined;
      },
      60_000,
      'samples after the backend returned',
    );
    expectOnceAndInOrder(points);
  });

  it('shows the computer offline once its agent stops', async () => {
    for (const a of sys.agents) await a.stop();
    await eventually(
      async () => {
        const d = await sys.api.json<ComputerDetail>('GET', `/api/v1/computers/${computerId}`);
        return d.status === 'offline';
      },
      20_000,
      'offline status',
    );
  });
});
