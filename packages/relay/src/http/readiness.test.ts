import { describe, expect, it } from 'vitest';
import { ReadinessTracker } from './readiness.js';

function tracker(
  opts: { closing?: () => boolean; probe?: () => Promise<{ ok: boolean; reason?: string }> } = {},
) {
  const c = { t: 100_000 };
  const probes: string[] = [];
  const t = new ReadinessTracker({
    backendUrl: 'http://backend.invalid:8080/prefix',
    isClosing: opts.closing ?? (() => false),
    now: () => c.t,
    probe: async (url) => {
      probes.push(url.href);
      return opts.probe ? opts.probe() : { ok: true };
    },
  });
  return { t, c, probes };
}

describe('ReadinessTracker', () => {
  it('is ready while backend calls succeed, without probing', async () => {
    const { t, probes } = tracker();
    t.observe(true);
    await expect(t.check()).resolves.toEqual({ ready: true });
    expect(probes).toEqual([]);
  });

  it('probes the health route when it has seen nothing or only stale news', async () => {
    const { t, c, probes } = tracker();
    await expect(t.check()).resolves.toEqual({ ready: true });
    expect(probes).toEqual(['http://backend.invalid:8080/prefix/api/v1/health']);
    c.t += 5000;
    await t.check();
    expect(probes).toHaveLength(1);
    c.t += 10_001;
    await t.check();
    expect(probes).toHaveLength(2);
  });

  it('is not ready with the reason after a failed call, and recovers through a probe', async () => {
    let up = false;
    const { t, c } = tracker({
      probe: async () => (up ? { ok: true } : { ok: false, reason: 'ECONNREFUSED' }),
    });
    t.observe(false, 'ingest failed: ECONNREFUSED');
    await expect(t.check()).resolves.toEqual({ ready: false, reason: 'backend unreachable: ECONNREFUSED' });
    up = true;
    // Probes are rate-limited: within a second the last failure stands.
    c.t += 500;
    await expect(t.check()).resolves.toMatchObject({ ready: false });
    c.t += 600;
    await expect(t.check()).resolves.toEqual({ ready: true });
  });

  it('is not ready while shutting down', async () => {
    let closing = false;
    const { t } = tracker({ closing: () => closing });
    t.observe(true);
    closing = true;
    await expect(t.check()).resolves.toEqual({ ready: false, reason: 'relay is shutting down' });
  });

  it('runs one probe for many concurrent checks', async () => {
    let calls = 0;
    const { t } = tracker({
      probe: async () => {
        calls += 1;
        await new Promise((r) => setTimeout(r, 10));
        return { ok: true };
      },
    });
    const answers = await Promise.all([t.check(), t.check(), t.check()]);
    expect(answers).toEqual([{ ready: true }, { ready: true }, { ready: true }]);
    expect(calls).toBe(1);
  });
});
