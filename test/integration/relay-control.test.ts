import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { RelayList } from '@labmgr/protocol';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtraRelay, eventually, type Proc, type System, startSystem } from '../harness.js';

/**
 * The backend -> relay -> agent direction with real processes: two relays
 * under one backend, one agent on each, live mode routed to the right relay,
 * a queue across an agent's reconnect, expiry reported to the backend, and the
 * control API's refusals.
 */
describe('relay control: two relays under one backend (real processes)', () => {
  let sys: System;
  let relayB: ExtraRelay;
  const agent: Record<'a' | 'b', { computerId: string; stateDir: string; proc: Proc }> = {
    a: { computerId: '', stateDir: '', proc: undefined as unknown as Proc },
    b: { computerId: '', stateDir: '', proc: undefined as unknown as Proc },
  };
  // A slow configured pace, so live mode (1 s) is a visible change.
  const start = (which: 'a' | 'b') => {
    agent[which].proc = sys.startAgent(agent[which].stateDir, { LABMGR_AGENT_INTERVAL_MS: '5000' });
    return agent[which].proc;
  };
  const relays = async () => (await sys.api.json<RelayList>('GET', '/api/v1/relays')).items;
  const status = async (computerId: string) =>
    (await sys.api.json<{ status: string }>('GET', `/api/v1/computers/${computerId}`)).status;
  const liveMode = (computerId: string, body: unknown = {}) =>
    sys.api.request('POST', `/api/v1/computers/${computerId}/live-mode`, body);
  const control = (relay: string, method: string, path: string, body?: unknown, token?: string | null) => {
    const c = sys.relayControl(relay);
    if (!c) throw new Error(`${relay} has not registered`);
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token ?? c.controlToken}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${c.controlUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };

  beforeAll(async () => {
    sys = await startSystem();
    await sys.startRelay();
    relayB = await sys.startExtraRelay('relay-b');
    Object.assign(agent.a, await sys.enrollAgent('on-a'));
    Object.assign(agent.b, await sys.enrollAgent('on-b', { relayUrl: relayB.relayUrl }));
    start('a');
    start('b');
    await eventually(
      async () => {
        const items = await relays();
        return (
          items.length === 2 &&
          items.every((r) => r.controlUrl !== null && r.onlineComputers === 1) &&
          (await status(agent.a.computerId)) === 'online' &&
          (await status(agent.b.computerId)) === 'online'
        );
      },
      30_000,
      'both relays registered with one online agent each',
    );
  }, 90_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it('lists both relays with one agent each and routes live mode to the relay holding each agent', async () => {
    const items = await relays();
    expect(items.map((r) => [r.name, r.relayId, r.onlineComputers]).sort()).toEqual(
      [
        [sys.relayName, sys.relayName, 1],
        ['relay-b', 'relay-b', 1],
      ].sort(),
    );
    expect(items.find((r) => r.name === 'relay-b')?.controlUrl).toBe(`http://127.0.0.1:${relayB.port}`);

    for (const which of ['a', 'b'] as const) {
      const res = await liveMode(agent[which].computerId);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ computerId: agent[which].computerId, status: 'delivered' });
      await agent[which].proc.waitForOutput(/live mode: sampling faster/, 10_000);
    }
    // Each relay saw exactly its own agent: the control lists of the two relays.
    const onA = (await (await control(sys.relayName ?? '', 'GET', '/control/v1/agents')).json()) as {
      items: { computerId: string; queued: number }[];
    };
    const onB = (await (await control('relay-b', 'GET', '/control/v1/agents')).json()) as typeof onA;
    expect(onA.items.map((i) => i.computerId)).toEqual([agent.a.computerId]);
    expect(onB.items.map((i) => i.computerId)).toEqual([agent.b.computerId]);
    // The relays re-register every 30 s; by then their reported counts match.
    await eventually(
      async () => (await relays()).every((r) => r.connectedAgents === 1),
      40_000,
      'both registrations to report one connected agent',
    );
  }, 60_000);

  it('queues a message for an agent that is reconnecting and delivers it when it returns', async () => {
    await agent.a.proc.stop();
    await eventually(async () => (await status(agent.a.computerId)) === 'offline', 15_000, 'agent a offline');
    const res = await liveMode(agent.a.computerId, { intervalMs: 1000, ttlSec: 30 });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'queued' });
    const again = start('a');
    await again.waitForOutput(/live mode: sampling faster/, 20_000);
    await sys.backend.waitForOutput(/"status":"delivered"/, 10_000);
  }, 60_000);

  it('reports a message whose TTL ran out while the agent was away as expired', async () => {
    await agent.b.proc.stop();
    await eventually(async () => (await status(agent.b.computerId)) === 'offline', 15_000, 'agent b offline');
    const res = await liveMode(agent.b.computerId, { intervalMs: 1000, ttlSec: 2 });
    const { status: answered, messageId } = (await res.json()) as { status: string; messageId: string };
    expect(answered).toBe('queued');
    const line = await sys.backend.waitForOutput(new RegExp(`.*"messageId":"${messageId}".*`), 15_000);
    expect(line[0]).toContain('"status":"expired"');
    expect(line[0]).toContain('message status');
    const back = start('b');
    await back.waitForOutput(/connected to relay|welcome/i, 20_000).catch(() => undefined);
    await eventually(async () => (await status(agent.b.computerId)) === 'online', 20_000, 'agent b back');
    await new Promise((r) => setTimeout(r, 1500));
    expect(back.output).not.toMatch(/live mode: sampling faster/);
  }, 60_000);

  it('answers unknown-agent for a computer the relay never saw', async () => {
    const messageId = randomUUID();
    const computerId = randomUUID();
    const res = await control(relayB.name, 'POST', `/control/v1/agents/${computerId}/messages`, {
      messageId,
      frame: { type: 'live-mode', intervalMs: 1000, ttlSec: 5 },
      ttlSec: 5,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ messageId, computerId, status: 'unknown-agent' });
    // Agent a lives on the other relay: relay B does not know it either.
    const other = await control(relayB.name, 'POST', '/control/v1/messages', {
      messages: [
        {
          computerId: agent.a.computerId,
          messageId,
          frame: { type: 'live-mode', intervalMs: 1000, ttlSec: 5 },
          ttlSec: 5,
        },
      ],
    });
    expect(await other.json()).toEqual({
      results: [{ messageId, computerId: agent.a.computerId, status: 'unknown-agent' }],
    });
  });

  it('refuses control calls without the control token or with a wrong one', async () => {
    for (const token of [null, 'wrong-token', sys.relayControl(sys.relayName ?? '')?.controlToken]) {
      const res = await control(relayB.name, 'GET', '/control/v1/agents', undefined, token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    const withToken = await control(relayB.name, 'GET', '/control/v1/agents');
    expect(withToken.status).toBe(200);
  });

  it('disconnects an agent with 4401 and the reason', async () => {
    await eventually(
      async () => {
        const res = await control(relayB.name, 'GET', '/control/v1/agents');
        const list = (await res.json()) as { items: { computerId: string }[] };
        return list.items.some((i) => i.computerId === agent.b.computerId);
      },
      20_000,
      'agent b connected to relay B',
    );
    const res = await control(relayB.name, 'POST', `/control/v1/agents/${agent.b.computerId}/disconnect`, {
      reason: 'disconnected by the integration test',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ computerId: agent.b.computerId, status: 'disconnected' });
    const closed = await agent.b.proc.waitForOutput(/.*connection to relay closed.*/, 10_000);
    expect(closed[0]).toContain('4401');
    expect(closed[0]).toContain('disconnected by the integration test');
    await relayB.proc.waitForOutput(/"code":4401[^\n]*disconnected by the integration test/, 5000);
  });

  it('revokes a computer: 4401 at once through its relay, refused at the next connect, audited', async () => {
    // Agent a is connected to the first relay; its credential is cached there.
    await eventually(async () => (await status(agent.a.computerId)) === 'online', 20_000, 'agent a online');
    const res = await sys.api.request('POST', `/api/v1/computers/${agent.a.computerId}/revoke`, {
      reason: 'stolen laptop',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ computerId: agent.a.computerId, disconnect: 'disconnected' });
    const closed = await agent.a.proc.waitForOutput(
      /.*"reason":"stolen laptop".*connection to relay closed.*/,
      10_000,
    );
    expect(closed[0]).toContain('4401');
    // Its reconnects are refused at the upgrade: the relay forgot the cached verdict and the backend says no.
    await agent.a.proc.waitForOutput(/.*relay refused the connection \(credential rejected.*/, 30_000);
    expect((await sys.api.request('GET', `/api/v1/computers/${agent.a.computerId}`)).status).toBe(404);
    const again = await sys.api.request('POST', `/api/v1/computers/${agent.a.computerId}/revoke`, {});
    expect(again.status).toBe(404);
    const db = new Database(join(sys.dataDir, 'labmgr.sqlite'), { readonly: true });
    try {
      const row = db
        .prepare(
          "SELECT actor_type, details FROM audit_log WHERE action = 'computer.revoke' AND target_id = ?",
        )
        .get(agent.a.computerId) as { actor_type: string; details: string } | undefined;
      expect(row?.actor_type).toBe('user');
      expect(JSON.parse(row?.details ?? '{}')).toMatchObject({
        reason: 'stolen laptop',
        disconnect: 'disconnected',
      });
    } finally {
      db.close();
    }
  });
});
