import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type System, startSystem } from '../harness.js';
import { agentStatus, expectOnceAndInOrder, storedPoints } from './agent-helpers.js';

describe('agent across a relay restart (real backend, relay and agent)', () => {
  let sys: System;
  let computerId = '';
  let stateDir = '';

  beforeAll(async () => {
    sys = await startSystem();
    await sys.startRelay();
    ({ computerId, stateDir } = await sys.enrollAgent('relay-restart'));
    sys.startAgent(stateDir);
  });

  afterAll(async () => {
    await sys?.stop();
  });

  it('delivers every sample exactly once and in order when the relay is killed and comes back', async () => {
    await eventually(
      async () => (await storedPoints(sys, computerId)).length >= 3,
      30_000,
      'three samples stored',
    );
    await sys.relay?.kill();
    // While the relay is away the agent keeps sampling into its journal.
    const down = await eventually(
      async () => {
        const s = await agentStatus(stateDir);
        return s && !s.connected && s.bufferedSamples >= 3 ? s : undefined;
      },
      20_000,
      'the agent to buffer samples while the relay is down',
    );
    const storedWhileDown = await storedPoints(sys, computerId);
    expect(storedWhileDown.at(-1)?.seq ?? 0).toBeLessThan(down.lastSeq ?? 0);

    await sys.startRelay();
    const lastBuffered = down.lastSeq ?? 0;
    const points = await eventually(
      async () => {
        const p = await storedPoints(sys, computerId);
        return (p.at(-1)?.seq ?? 0) >= lastBuffered + 3 ? p : undefined;
      },
      60_000,
      'the buffered samples and new ones after the relay returned',
    );
    expectOnceAndInOrder(points);
    expect(points[0]?.seq).toBe(storedWhileDown[0]?.seq);
  }, 120_000);

  it('loses nothing across a graceful relay shutdown (SIGTERM) while samples stream at 4/s', async () => {
    const fast = await sys.enrollAgent('relay-sigterm');
    sys.startAgent(fast.stateDir, { LABMGR_AGENT_INTERVAL_MS: '250' });
    await eventually(
      async () => (await storedPoints(sys, fast.computerId)).length >= 8,
      30_000,
      'eight samples stored',
    );
    const relay = sys.relay;
    expect(await relay?.stop()).toBe(0);
    // It closed the agents with 1001 (going away) so they reconnect, and flushed what it held.
    expect(relay?.output).toMatch(/"code":1001/);
    const down = await eventually(
      async () => {
        const s = await agentStatus(fast.stateDir);
        return s && !s.connected && s.bufferedSamples >= 4 ? s : undefined;
      },
      20_000,
      'the agent to buffer while the relay is stopped',
    );
    await sys.startRelay();
    const points = await eventually(
      async () => {
        const p = await storedPoints(sys, fast.computerId);
        return (p.at(-1)?.seq ?? 0) >= (down.lastSeq ?? 0) + 4 ? p : undefined;
      },
      60_000,
      'every buffered sample and new ones after the relay returned',
    );
    expectOnceAndInOrder(points);
    expect(points[0]?.seq).toBe(1);
  }, 120_000);
});
