import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type System, sleep, startSystem } from '../harness.js';
import { agentStatus, expectOnceAndInOrder, storedPoints } from './agent-helpers.js';

/**
 * Issue 13: a lost sample is counted once. The agent's `status`, the
 * backend's `samplesLost` and the gaps in the stored series agree.
 */
describe('samples lost (real backend, relay and agent with a 3-sample buffer)', () => {
  let sys: System;

  beforeAll(async () => {
    sys = await startSystem();
  });

  afterAll(async () => {
    await sys?.stop();
  });

  const lostOf = async (computerId: string) =>
    (await sys.api.json<{ samplesLost: number }>('GET', `/api/v1/computers/${computerId}`)).samplesLost;

  const droppedOf = async (stateDir: string) =>
    ((await agentStatus(stateDir)) as { droppedSamples?: number } | null)?.droppedSamples;

  it('counts nothing lost while the full buffer evicts samples already sent (acks every 5 s)', async () => {
    // The default ack interval: 20 samples go out between two acks, the buffer holds 3.
    await sys.startRelay();
    const { computerId, stateDir } = await sys.enrollAgent('lost-connected');
    const agent = sys.startAgent(stateDir, {
      LABMGR_AGENT_INTERVAL_MS: '250',
      LABMGR_AGENT_BUFFER_MAX_SAMPLES: '3',
    });
    await eventually(
      async () => ((await storedPoints(sys, computerId)).length >= 50 ? true : undefined),
      60_000,
      '50 samples stored',
    );
    // status.json is rewritten every 5 s: wait for one written after all that.
    const since = Date.now();
    const status = await eventually(
      async () => {
        const s = (await agentStatus(stateDir)) as { updatedAt: number; droppedSamples: number } | null;
        return s && s.updatedAt > since ? s : undefined;
      },
      15_000,
      'a fresh agent status',
    );
    const points = await storedPoints(sys, computerId);
    expect(points[0]?.seq).toBe(1);
    expectOnceAndInOrder(points);
    expect(status.droppedSamples).toBe(0);
    expect(await lostOf(computerId)).toBe(0);
    await agent.stop();
    await sys.relay?.stop();
  }, 120_000);

  it('agrees with the stored series on what a relay outage cost: agent status = backend = gaps', async () => {
    // Acks at once, so that everything stored before the outage is acked.
    const relayEnv = { LABMGR_RELAY_ACK_INTERVAL_MS: '0' };
    let relay = await sys.startRelay(relayEnv);
    const { computerId, stateDir } = await sys.enrollAgent('lost-outage');
    const agent = sys.startAgent(stateDir, {
      LABMGR_AGENT_INTERVAL_MS: '250',
      LABMGR_AGENT_BUFFER_MAX_SAMPLES: '3',
    });
    await eventually(
      async () => ((await storedPoints(sys, computerId)).length >= 8 ? true : undefined),
      30_000,
      '8 samples stored',
    );
    // Freeze the agent so that nothing is on its way when the relay goes: what
    // it sent is stored and acked (the acks wait in its socket).
    agent.child.kill('SIGSTOP');
    await sleep(1000);
    const stopped = relay.stop();
    await sleep(300);
    agent.child.kill('SIGCONT');
    expect(await stopped).toBe(0);
    // 4 s at 4 samples/s into a 3-sample buffer.
    await sleep(4000);
    relay = await sys.startRelay(relayEnv);

    const result = await eventually(
      async () => {
        const points = await storedPoints(sys, computerId);
        const last = points.at(-1)?.seq ?? 0;
        const missing = last - points.length;
        const backend = await lostOf(computerId);
        const agentCount = await droppedOf(stateDir);
        return missing > 0 && backend === missing && agentCount === missing
          ? { points, missing, backend, agentCount }
          : undefined;
      },
      40_000,
      'agent status, backend and stored series to agree on the loss',
    );
    expect(result.points[0]?.seq).toBe(1);
    // Each seq at most once, in order; the gap is the loss.
    const seqs = result.points.map((p) => p.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(result.missing).toBeGreaterThanOrEqual(8);

    // The fleet filter finds it, and only it among these.
    const lossy = await sys.api.json<{ items: { id: string; samplesLost: number }[] }>(
      'GET',
      '/api/v1/computers?lossy=true',
    );
    expect(lossy.items.map((c) => [c.id, c.samplesLost])).toEqual([[computerId, result.missing]]);
  }, 120_000);
});
