import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricPoint, MetricSeries } from '@labmgr/protocol';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { eventually, type System } from '../harness.js';

/** Every stored point of a computer (last hour), sorted by seq; duplicates would show twice. */
export async function storedPoints(sys: System, computerId: string): Promise<MetricPoint[]> {
  const from = new Date(Date.now() - 3600_000).toISOString();
  const s = await sys.api.json<MetricSeries>('GET', `/api/v1/computers/${computerId}/metrics?from=${from}`);
  return [...s.points].sort((a, b) => a.seq - b.seq);
}

/** Each seq from the first to the last exactly once, sampled in that order. */
export function expectOnceAndInOrder(points: MetricPoint[]): void {
  const seqs = points.map((p) => p.seq);
  const first = seqs[0] ?? 0;
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => first + i));
  const times = points.map((p) => Date.parse(p.at));
  expect(times).toEqual([...times].sort((a, b) => a - b));
}

/** What the agent's `run` last wrote to `status.json` (every 5 s). */
export async function agentStatus(
  stateDir: string,
): Promise<{ lastSeq: number | null; bufferedSamples: number; connected: boolean } | null> {
  try {
    return JSON.parse(await readFile(join(stateDir, 'status.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** Waits until the backend reports the computer `online` (or `offline`). */
export async function waitForStatus(
  sys: System,
  computerId: string,
  status: 'online' | 'offline' = 'online',
  timeoutMs = 20_000,
): Promise<void> {
  await eventually(
    async () =>
      (await sys.api.json<{ status: string }>('GET', `/api/v1/computers/${computerId}`)).status === status ||
      undefined,
    timeoutMs,
    `${computerId} ${status}`,
  );
}

/** The agent credential an enrolled agent keeps in its state dir. */
export async function credentialOf(stateDir: string): Promise<string> {
  return (JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')) as { credential: string })
    .credential;
}

/** The HTTP status of one upgrade attempt (101 when accepted). */
export function upgradeStatus(url: string, credential: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${credential}` } });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}
