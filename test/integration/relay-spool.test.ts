import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RelayHealth } from '@labmgr/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type System, sleep, startSystem } from '../harness.js';
import { expectOnceAndInOrder, storedPoints } from './agent-helpers.js';

// One frame in memory, the rest on disk: whatever queues while the backend is away is spooled.
function spoolEnv(sys: System): NodeJS.ProcessEnv {
  return {
    LABMGR_RELAY_SPOOL_DIR: join(sys.dataDir, 'relay-spool'),
    LABMGR_RELAY_MEMORY_QUEUE_ITEMS: '1',
  };
}

async function relayHealth(sys: System): Promise<RelayHealth> {
  const res = await fetch(`http://127.0.0.1:${sys.relayPort}/healthz`);
  return (await res.json()) as RelayHealth;
}

const spoolFiles = (sys: System) => readdirSync(join(sys.dataDir, 'relay-spool'));

/** Polls the relay's health until `done` settles; returns the reading with the most frames queued. */
async function peakHealth(sys: System, done: Promise<unknown>): Promise<RelayHealth> {
  let settled = false;
  void done.finally(() => {
    settled = true;
  });
  let peak = await relayHealth(sys);
  while (!settled) {
    await sleep(200);
    const h = await relayHealth(sys).catch(() => peak);
    if (h.pendingFrames > peak.pendingFrames) peak = h;
  }
  return peak;
}

/**
 * Waits until the backend holds two samples past `lastSeq` (so everything
 * queued before has had its turn), then checks that each seq from `firstSeq`
 * on was stored exactly once, in order.
 */
async function expectAllStored(sys: System, computerId: string, firstSeq: number, lastSeq: number) {
  const points = await eventually(
    async () => {
      const p = await storedPoints(sys, computerId);
      // Without gaps too: after a SIGKILL the frames the relay held in memory come back from the agent,
      // re-sent on its new connection, so they are stored after the spooled ones that followed them.
      const gapless = p.length === (p.at(-1)?.seq ?? 0) - (p[0]?.seq ?? 0) + 1;
      return (p.at(-1)?.seq ?? 0) >= lastSeq + 2 && gapless ? p : undefined;
    },
    40_000,
    `samples up to ${lastSeq + 2} stored, without gaps`,
  );
  expectOnceAndInOrder(points);
  expect(points[0]?.seq).toBe(firstSeq);
}

describe('relay disk spool (real backend, relay and agent)', () => {
  let sys: System | undefined;

  afterEach(async () => {
    await sys?.stop();
    sys = undefined;
  });

  it('spools while the backend is stopped and stores every sample once, in order, when it returns', async () => {
    const s = await startSystem();
    sys = s;
    await s.startRelay(spoolEnv(s));
    const { computerId, stateDir } = await s.enrollAgent('spool');
    s.startAgent(stateDir, { LABMGR_AGENT_INTERVAL_MS: '250' });
    const before = await eventually(
      async () => {
        const p = await storedPoints(s, computerId);
        return p.length >= 3 ? p : undefined;
      },
      30_000,
      'three samples stored',
    );

    const backendBack = s.restartBackend({ downMs: 8000 });
    await eventually(
      async () => ((await relayHealth(s)).spooledFrames ?? 0) >= 5 && spoolFiles(s).length > 0,
      7000,
      'the relay to spool frames to disk',
    );
    const peak = await peakHealth(s, backendBack);
    await backendBack;
    // About 4 frames a second for 8 s, all but the one in memory on disk.
    expect(peak.pendingFrames).toBeGreaterThan(15);
    expect(peak.spooledFrames).toBeGreaterThan(10);
    expect(peak.spoolBytes).toBeGreaterThan(0);
    expect(peak.pendingFrames).toBeGreaterThan(peak.spooledFrames ?? 0);

    await expectAllStored(s, computerId, before[0]?.seq ?? 1, (before.at(-1)?.seq ?? 0) + peak.pendingFrames);
    const after = await eventually(
      async () => {
        const h = await relayHealth(s);
        return h.spoolBytes === 0 ? h : undefined;
      },
      10_000,
      'the spool to empty',
    );
    expect(after.spooledFrames).toBe(0);
    expect(spoolFiles(s)).toEqual([]);
    expect(s.relay?.output).toMatch(/spool: queueing to disk/);
  }, 90_000);

  it.each([
    ['stopped (SIGTERM)', false],
    ['killed (SIGKILL)', true],
  ])(
    'replays the spool after the relay is %s while the backend is down',
    async (_how, kill) => {
      const s = await startSystem();
      sys = s;
      const env = spoolEnv(s);
      await s.startRelay(env);
      const { computerId, stateDir } = await s.enrollAgent('spool-restart');
      s.startAgent(stateDir, { LABMGR_AGENT_INTERVAL_MS: '250' });
      const before = await eventually(
        async () => {
          const p = await storedPoints(s, computerId);
          return p.length >= 3 ? p : undefined;
        },
        30_000,
        'three samples stored',
      );

      const backendBack = s.restartBackend({ downMs: 10_000 });
      await eventually(
        async () => ((await relayHealth(s)).spooledFrames ?? 0) >= 8,
        10_000,
        'the relay to spool frames to disk',
      );
      const relay = s.relay;
      if (kill) await relay?.kill();
      else expect(await relay?.stop(15_000)).toBe(0);
      if (!kill) expect(relay?.output).toMatch(/spool: kept the memory queue for the next run/);
      expect(spoolFiles(s).length).toBeGreaterThan(0);

      // Same spool folder, new process (and a new relay token: the spool is not tied to one).
      const again = await s.startRelay(env);
      const replay = await relayHealth(s);
      // SIGKILL may lose the last ~20 ms of records not yet written (their agent re-sends them).
      expect(replay.spooledFrames).toBeGreaterThanOrEqual(kill ? 1 : 8);
      expect(again.output).toMatch(/spool: replaying what an earlier run left/);
      await backendBack;

      await expectAllStored(
        s,
        computerId,
        before[0]?.seq ?? 1,
        (before.at(-1)?.seq ?? 0) + replay.pendingFrames,
      );
      await eventually(async () => (await relayHealth(s)).spoolBytes === 0, 10_000, 'the spool to empty');
      expect(spoolFiles(s)).toEqual([]);
    },
    90_000,
  );
});
