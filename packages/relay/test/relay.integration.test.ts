// The built relay process (`bin/labmgr-relay.js`) between scripted agents and
// the real backend, both started by the shared harness (test/harness.ts).
// Agents here are raw WebSocket clients enrolled over the public API, so a
// test can send exactly the frames it wants, hostile ones included.
import { CloseCode, fixtures, PROTOCOL_VERSION } from '@labmgr/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type System, startSystem } from '../../../test/harness.js';
import { TestAgent } from '../src/testing/test-agent.js';

let sys: System;
let port = 0;

/** Enrolls a computer through the public API and returns its credential. */
async function enroll(hostname: string): Promise<{ credential: string; computerId: string }> {
  const token = await sys.api.json<{ token: string }>('POST', '/api/v1/enrollment-tokens', { uses: 1 });
  const res = await fetch(`${sys.backendUrl}/api/v1/agents/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: token.token, hostname }),
  });
  if (!res.ok) throw new Error(`enroll failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { credential: string; computerId: string };
}

async function health(): Promise<{ agents: number }> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return (await res.json()) as { agents: number };
}

beforeAll(async () => {
  sys = await startSystem();
  await sys.startRelay();
  port = sys.relayPort;
});

afterAll(async () => {
  await sys?.stop();
});

describe('relay with the real backend', () => {
  it('refuses a missing or unknown credential with 401 before the socket opens', async () => {
    for (const credential of [undefined, 'lma_not-a-real-credential']) {
      await expect(TestAgent.refusal(port, credential)).resolves.toMatchObject({
        status: 401,
        body: { error: { code: 'unauthorized' } },
      });
    }
  });

  it('welcomes an enrolled agent and passes the acks of stored samples back', async () => {
    const { credential, computerId } = await enroll('it-acks');
    const agent = await TestAgent.connect(port, credential);
    agent.send(fixtures.hello());
    await expect(agent.next()).resolves.toMatchObject({
      type: 'welcome',
      computerId,
      protocolVersion: PROTOCOL_VERSION,
    });
    for (const seq of [1, 2, 3]) agent.metrics(seq);
    await expect(agent.until((f) => f.type === 'ack' && f.seq === 3)).resolves.toEqual({
      type: 'ack',
      seq: 3,
    });
    agent.ws.close(1000, 'done');
    await agent.closed;
  });

  it('closes only the agent that sends bad frames, with a reason', async () => {
    const good = await TestAgent.open(port, (await enroll('it-good')).credential);
    for (const [name, text] of fixtures.invalidAgentFrames) {
      const bad = await TestAgent.open(
        port,
        (await enroll(`it-bad-${name.replace(/\W+/g, '-')}`)).credential,
      );
      bad.send(text);
      const closed = await bad.closed;
      expect(closed.code, name).toBe(CloseCode.badFrame);
      expect(closed.reason.length, name).toBeGreaterThan(3);
    }
    good.metrics(1);
    await expect(good.until((f) => f.type === 'ack')).resolves.toEqual({ type: 'ack', seq: 1 });
    good.ws.close();
    await good.closed;
  });

  it('closes an agent that sends an oversized frame and keeps serving the others', async () => {
    const other = await TestAgent.open(port, (await enroll('it-other')).credential);
    const big = await TestAgent.open(port, (await enroll('it-big')).credential);
    big.send(`{"type":"ping","ts":1,"pad":"${'x'.repeat(1024 * 1024)}"}`);
    await expect(big.closed).resolves.toMatchObject({ code: 1009 });
    await other.sync();
    other.ws.close();
    await other.closed;
  });

  it('closes a hello with another protocol version with unsupportedVersion', async () => {
    const agent = await TestAgent.connect(port, (await enroll('it-version')).credential);
    agent.send({ ...fixtures.hello(), protocolVersion: PROTOCOL_VERSION + 1 });
    await expect(agent.closed).resolves.toMatchObject({ code: CloseCode.unsupportedVersion });
  });

  it('replaces an older connection of the same computer', async () => {
    const { credential } = await enroll('it-replaced');
    const first = await TestAgent.open(port, credential);
    const before = (await health()).agents;
    const second = await TestAgent.open(port, credential);
    await expect(first.closed).resolves.toMatchObject({ code: CloseCode.replaced });
    await second.sync();
    expect((await health()).agents).toBe(before);
    second.ws.close();
    await second.closed;
  });

  it('reports connected agents to the backend, which shows the computer online', async () => {
    const { credential, computerId } = await enroll('it-presence');
    const agent = await TestAgent.open(port, credential);
    agent.send({ type: 'inventory', inventory: { ...fixtures.inventory(), hostname: 'it-presence' } });
    agent.metrics(1);
    await agent.until((f) => f.type === 'ack');
    const online = await eventually(
      async () => {
        const c = await sys.api.json<{ status: string }>('GET', `/api/v1/computers/${computerId}`);
        return c.status === 'online' ? c : undefined;
      },
      10_000,
      'computer online',
    );
    expect(online.status).toBe('online');
    agent.ws.close(1000, 'bye');
    await eventually(
      async () => {
        const c = await sys.api.json<{ status: string }>('GET', `/api/v1/computers/${computerId}`);
        return c.status === 'offline';
      },
      10_000,
      'computer offline',
    );
  });

  it('is still running and logged no errors through all of the above', () => {
    expect(sys.relay?.running).toBe(true);
    const lines = (sys.relay?.output ?? '').split('\n').filter((l) => l.startsWith('{'));
    const errors = lines.filter((l) => (JSON.parse(l) as { level: number }).level >= 50);
    expect(errors).toEqual([]);
    expect(lines.some((l) => l.includes('"agent refused"'))).toBe(true);
  });
});
