import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type System, startSystem } from '../harness.js';
import { agentStatus, expectOnceAndInOrder, storedPoints } from './agent-helpers.js';

describe('agent killed with unacked samples (real backend, relay and agent)', () => {
  let sys: System;
  let computerId = '';
  let stateDir = '';

  beforeAll(async () => {
    sys = await startSystem();
    await sys.startRelay();
    ({ computerId, stateDir } = await sys.enrollAgent('kill-restart'));
  });

  afterAll(async () => {
    await sys?.stop();
  });

  it('loses nothing: SIGKILL while the relay is down, restart, relay back → contiguous seqs across the restart', async () => {
    const first = sys.startAgent(stateDir);
    await eventually(
      async () => (await storedPoints(sys, computerId)).length >= 3,
      30_000,
      'three samples stored',
    );
    await sys.relay?.kill();
    const before = await eventually(
      async () => {
        const s = await agentStatus(stateDir);
        return s && !s.connected && s.bufferedSamples >= 2 ? s : undefined;
      },
      20_000,
      'a non-empty buffer while the relay is down',
    );
    await first.kill();

    // The second run finds the journal, keeps the unacked samples and numbers on after them.
    const second = sys.startAgent(stateDir);
    await second.waitForOutput(/unacked samples recovered from the journal/);
    await eventually(
      async () => ((await agentStatus(stateDir))?.lastSeq ?? 0) > (before.lastSeq ?? 0) + 1,
      20_000,
      'the restarted agent to take samples of its own',
    );
    await sys.startRelay();

    const target = ((await agentStatus(stateDir))?.lastSeq ?? 0) + 2;
    const points = await eventually(
      async () => {
        const p = await storedPoints(sys, computerId);
        return (p.at(-1)?.seq ?? 0) >= target ? p : undefined;
      },
      60_000,
      'every sample of both runs stored',
    );
    expectOnceAndInOrder(points);
    expect(points.some((p) => p.seq === (before.lastSeq ?? 0))).toBe(true);
    expect(second.output).not.toContain('damaged');
  }, 150_000);
});
