import type { ComputerDetail, MetricSample } from '@labmgr/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, type System, startSystem } from '../harness.js';
import { waitForStatus } from './agent-helpers.js';

/**
 * The computer detail page's data with real processes: raw history keeps only
 * the charted figures, so the full sample (per core, filesystems, top
 * processes) comes from watching the computer live.
 */
describe('watching a computer live: its full samples (real processes)', () => {
  let sys: System;
  let computerId = '';

  beforeAll(async () => {
    sys = await startSystem();
    await sys.startRelay();
    const enrolled = await sys.enrollAgent('watched');
    computerId = enrolled.computerId;
    // A slow pace, so live mode is what brings the samples.
    sys.startAgent(enrolled.stateDir, { LABMGR_AGENT_INTERVAL_MS: '5000' });
    await waitForStatus(sys, computerId);
  }, 60_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it('has no full sample until someone watches, then the latest one in the detail and pushed each second', async () => {
    const before = await sys.api.json<ComputerDetail>('GET', `/api/v1/computers/${computerId}`);
    expect(before.latestSample).toBeNull();

    const ws = new WebSocket(`${sys.backendUrl.replace('http', 'ws')}/api/v1/live`, {
      headers: { cookie: sys.api.cookieHeader, origin: sys.backendUrl },
    });
    const samples: { computerId: string; sample: Pick<MetricSample, 'at' | 'topProcesses'> }[] = [];
    ws.on('message', (m) => {
      // A frame is one event or an array of them.
      for (const e of [JSON.parse(m.toString())].flat()) if (e.type === 'computer.sample') samples.push(e);
    });
    await new Promise((r) => ws.once('open', r));
    try {
      const res = await sys.api.request('POST', `/api/v1/computers/${computerId}/live-mode`, {
        intervalMs: 1000,
        ttlSec: 30,
      });
      expect(res.status).toBe(200);
      await eventually(async () => samples.length >= 3 || undefined, 15_000, 'three full samples pushed');
      expect(samples.every((s) => s.computerId === computerId)).toBe(true);
      // About one a second: the agent's live pace, not its configured 5 s.
      const gaps = samples.slice(1).map((s, i) => s.sample.at - (samples[i]?.sample.at ?? 0));
      expect(Math.min(...gaps)).toBeLessThan(2500);

      const detail = await sys.api.json<ComputerDetail>('GET', `/api/v1/computers/${computerId}`);
      const sample = detail.latestSample;
      expect(sample).not.toBeNull();
      expect(sample?.cpu.perCore.length).toBeGreaterThan(0);
      expect(sample?.filesystems.length).toBeGreaterThan(0);
      // The live-mode frame made the agent send its lists at once; the backend keeps them for the samples after.
      expect(sample?.topProcesses?.byMemory.length).toBeGreaterThan(0);
      const first = samples.findIndex((s) => s.sample.topProcesses);
      expect(first).toBeGreaterThanOrEqual(0);
      expect(samples.slice(first).every((s) => s.sample.topProcesses)).toBe(true);
    } finally {
      ws.close();
    }
  });
});
