import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RelayHealth } from '@labmgr/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type System, startSystem } from '../harness.js';
import { expectOnceAndInOrder, storedPoints } from './agent-helpers.js';

/**
 * Issue 13, part 1: a spooled record damaged on disk in a way that keeps it
 * valid JSON (a digit of its `seq`) must not be replayed as truth.
 */

interface SpooledSample {
  file: string;
  /** Byte offset of its line in the segment. */
  offset: number;
  line: string;
  seq: number;
  at: number;
  memUsedBytes: number;
}

async function relayHealth(sys: System): Promise<RelayHealth> {
  return (await (await fetch(`http://127.0.0.1:${sys.relayPort}/healthz`)).json()) as RelayHealth;
}

/** The metrics samples in the spool segments, read as text: `<crc> <computer id>\t<received at>\t<frame text>`. */
function spooledSamples(dir: string): SpooledSample[] {
  const out: SpooledSample[] = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith('seg-'))) {
    let offset = 0;
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const at = offset;
      offset += Buffer.byteLength(line, 'utf8') + 1;
      if (line === '') continue;
      const frame = JSON.parse(line.slice(line.indexOf('{'))) as {
        type: string;
        seq: number;
        sample: { at: number; memory: { usedBytes: number } };
      };
      if (frame.type !== 'metrics') continue;
      out.push({
        file,
        offset: at,
        line,
        seq: frame.seq,
        at: frame.sample.at,
        memUsedBytes: frame.sample.memory.usedBytes,
      });
    }
  }
  return out;
}

describe('relay spool: a record damaged on disk (real backend, relay and agent)', () => {
  let sys: System | undefined;

  afterEach(async () => {
    await sys?.stop();
    sys = undefined;
  });

  it('quarantines a record whose seq digit flipped, stores its neighbours, and stores the true sample of that seq', async () => {
    const s = await startSystem();
    sys = s;
    const spoolDir = join(s.dataDir, 'relay-spool');
    // One frame in memory, the rest on disk.
    const env = { LABMGR_RELAY_SPOOL_DIR: spoolDir, LABMGR_RELAY_MEMORY_QUEUE_ITEMS: '1' };
    await s.startRelay(env);
    const { computerId, stateDir } = await s.enrollAgent('spool-damage');
    s.startAgent(stateDir, { LABMGR_AGENT_INTERVAL_MS: '250' });
    const before = await eventually(
      async () => {
        const p = await storedPoints(s, computerId);
        return p.length >= 3 ? p : undefined;
      },
      30_000,
      'three samples stored',
    );

    // Backend down: the relay spools; then the relay stops too, leaving its spool on disk.
    const backendBack = s.restartBackend({ downMs: 14_000 });
    await eventually(
      async () => ((await relayHealth(s)).spooledFrames ?? 0) >= 12,
      12_000,
      'the relay to spool frames to disk',
    );
    expect(await s.relay?.stop(15_000)).toBe(0);

    // Pick a sample N with N-1 and N+1 spooled too, and make its record claim to be N+1:
    // one digit, same length, still valid JSON, still a valid frame.
    const spooled = spooledSamples(spoolDir);
    const bySeq = new Map(spooled.map((x) => [x.seq, x]));
    const candidates = spooled.filter(
      (x) =>
        x.seq % 10 !== 9 && bySeq.has(x.seq - 1) && bySeq.has(x.seq + 1) && x.seq > (before.at(-1)?.seq ?? 0),
    );
    const victim = candidates[Math.floor(candidates.length / 2)];
    if (!victim) throw new Error(`no sample to damage among ${spooled.map((x) => x.seq).join(',')}`);
    const n = victim.seq;
    const truth = bySeq.get(n + 1) as SpooledSample;
    const needle = `"seq":${n},`;
    expect(victim.line.split(needle)).toHaveLength(2);
    const damagedLine = victim.line.replace(needle, `"seq":${n + 1},`);
    const path = join(spoolDir, victim.file);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace(victim.line, damagedLine));
    expect(readFileSync(path).length).toBe(Buffer.byteLength(text));
    expect(victim.at).not.toBe(truth.at);

    const relay = await s.startRelay(env);
    await backendBack;

    // The agent never got an ack for what the relay spooled, so it re-sends N (and the rest). It reconnects
    // with full-jitter backoff capped at 60 s: after the relay's long stop (a busy machine) its next try may be
    // most of a minute away, so the wait covers the cap.
    const lastSpooled = Math.max(...spooled.map((x) => x.seq));
    const points = await eventually(
      async () => {
        const p = await storedPoints(s, computerId);
        return (p.at(-1)?.seq ?? 0) >= lastSpooled + 3 ? p : undefined;
      },
      75_000,
      `samples past ${lastSpooled + 3} stored`,
    );
    expectOnceAndInOrder(points);
    const stored = new Map(points.map((p) => [p.seq, p]));
    // N+1 holds its own values, not N's under a damaged seq; N is there too (re-sent by the agent).
    expect(Date.parse(stored.get(n + 1)?.at ?? '')).toBe(truth.at);
    expect(stored.get(n + 1)?.memUsedBytes).toBe(truth.memUsedBytes);
    expect(Date.parse(stored.get(n)?.at ?? '')).toBe(victim.at);
    expect(Date.parse(stored.get(n - 1)?.at ?? '')).toBe(bySeq.get(n - 1)?.at);

    // Kept aside with its segment and byte offset, counted, and logged.
    const quarantine = readFileSync(join(spoolDir, 'quarantine.jsonl'), 'utf8').trim().split('\n');
    expect(quarantine).toHaveLength(1);
    expect(JSON.parse(quarantine[0] ?? '')).toMatchObject({
      segment: victim.file,
      offset: victim.offset,
      reason: 'checksum',
      line: damagedLine,
    });
    const metrics = await (await fetch(`http://127.0.0.1:${s.relayPort}/metrics`)).text();
    expect(metrics).toMatch(/^labmgr_relay_spool_quarantined_records_total\{reason="checksum"\} 1$/m);
    expect(relay.output).toContain(`${victim.file} at byte ${victim.offset}`);
    await eventually(async () => (await relayHealth(s)).spoolBytes === 0, 10_000, 'the spool to empty');
  }, 180_000);
});
