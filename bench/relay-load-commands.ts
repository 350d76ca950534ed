/**
 * Command latency for bench/relay-load.ts: live-mode calls and signed
 * commands through the real backend API to the simulated agents, timed to
 * the moment a generator reports the frame's arrival.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type System, sleep } from '../test/harness.js';
import { type GeneratorReport, preciseNow, type SimAgent } from './relay-load-ipc.js';

export interface CommandResult {
  measured: boolean;
  /** Why not, when not measured. */
  note: string | null;
  calls: number;
  received: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** The API call's own response time, p50. */
  httpP50Ms: number | null;
  failures: Record<string, number>;
}

export const round = (n: number | null, digits = 1): number | null =>
  n === null || !Number.isFinite(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits;

export function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? null;
}

const liveModeWaiters = new Map<string, (at: number) => void>();
/** Signed commands seen by the simulated agents, by computer: when each arrived. */
const commandArrivals = new Map<string, number>();
let onCommandArrival: (() => void) | undefined;
export function onGeneratorReport(r: GeneratorReport): void {
  if (r.type === 'command') {
    commandArrivals.set(r.computerId, r.at);
    onCommandArrival?.();
    return;
  }
  if (r.type !== 'live-mode') return;
  const waiter = liveModeWaiters.get(r.computerId);
  if (waiter) {
    liveModeWaiters.delete(r.computerId);
    waiter(r.at);
  }
}

/** Resolves once `done()` holds after an arrival, or false after `timeoutMs`. */
function arrivals(done: () => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (done()) return resolve(true);
    const timer = setTimeout(() => {
      onCommandArrival = undefined;
      resolve(false);
    }, timeoutMs);
    onCommandArrival = () => {
      if (!done()) return;
      clearTimeout(timer);
      onCommandArrival = undefined;
      resolve(true);
    };
  });
}

export interface SignedResult {
  /** Sequential one-computer commands: API call → the agent receiving the signed frame. */
  single: {
    calls: number;
    received: number;
    p50Ms: number | null;
    p99Ms: number | null;
    maxMs: number | null;
  };
  /** One command to every connected agent: API call → the last agent receiving it. */
  fanout: {
    agents: number;
    received: number;
    allReceivedMs: number | null;
    apiMs: number | null;
    allStartedMs: number | null;
  };
}

/**
 * Signed commands through the real path (POST /api/v1/commands: sign per
 * computer, one control call per relay) to the simulated agents, which answer
 * started/succeeded at once: the latency of single commands, then one command
 * to every connected agent, timed to the last agent's receipt and to the
 * backend showing every run started.
 */
export async function signedCommands(
  s: System,
  agents: SimAgent[],
  commandCount: number,
): Promise<SignedResult> {
  const body = (ids: string[]) => ({ targets: { computerIds: ids }, kind: 'exec', argv: ['/bin/true'] });
  const post = (ids: string[]) =>
    fetch(`${s.backendUrl}/api/v1/commands`, {
      method: 'POST',
      headers: { cookie: s.api.cookieHeader, 'content-type': 'application/json' },
      body: JSON.stringify(body(ids)),
      signal: AbortSignal.timeout(30_000),
    });
  console.log(
    `  signed commands: ${commandCount} sequential one-computer commands, then one to all ${agents.length}…`,
  );
  const latencies: number[] = [];
  let calls = 0;
  for (let i = 0; i < commandCount; i++) {
    const agent = agents[Math.floor(Math.random() * agents.length)] as SimAgent;
    commandArrivals.delete(agent.computerId);
    const t0 = preciseNow();
    calls += 1;
    const res = await post([agent.computerId]);
    await res.arrayBuffer();
    if (!res.ok) continue;
    if (await arrivals(() => commandArrivals.has(agent.computerId), 2000))
      latencies.push((commandArrivals.get(agent.computerId) ?? t0) - t0);
  }
  latencies.sort((a, b) => a - b);
  await sleep(500);
  commandArrivals.clear();
  const ids = agents.map((a) => a.computerId);
  const t0 = preciseNow();
  const res = await post(ids);
  const apiMs = preciseNow() - t0;
  const job = res.ok ? ((await res.json()) as { id: string }) : null;
  const all = await arrivals(() => ids.every((id) => commandArrivals.has(id)), 30_000);
  const received = ids.filter((id) => commandArrivals.has(id)).length;
  const last = Math.max(...ids.map((id) => commandArrivals.get(id) ?? 0));
  let allStartedMs: number | null = null;
  if (job) {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const j = (await s.api.json(`GET`, `/api/v1/commands/${job.id}`)) as { counts: Record<string, number> };
      const open = (j.counts.pending ?? 0) + (j.counts.queued ?? 0) + (j.counts.sent ?? 0);
      if (open === 0) {
        allStartedMs = preciseNow() - t0;
        break;
      }
      await sleep(50);
    }
  }
  return {
    single: {
      calls,
      received: latencies.length,
      p50Ms: round(quantile(latencies, 0.5), 2),
      p99Ms: round(quantile(latencies, 0.99), 2),
      maxMs: round(latencies.at(-1) ?? null, 2),
    },
    fanout: {
      agents: ids.length,
      received,
      allReceivedMs: all ? round(last - t0, 1) : null,
      apiMs: round(apiMs, 1),
      allStartedMs: round(allStartedMs, 1),
    },
  };
}

/** Whether the backend's source has the live-mode route at all (another change adds it). */
function backendHasLiveModeRoute(): boolean {
  const dir = join(ROOT, 'packages/backend/src');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  return files.some((f) => /live-mode/.test(readFileSync(join(dir, f), 'utf8')));
}

export async function commandLatency(
  s: System,
  agents: SimAgent[],
  commandCount: number,
): Promise<CommandResult> {
  const result: CommandResult = {
    measured: false,
    note: null,
    calls: 0,
    received: 0,
    p50Ms: null,
    p99Ms: null,
    maxMs: null,
    httpP50Ms: null,
    failures: {},
  };
  const path = (id: string) => `/api/v1/computers/${id}/live-mode`;
  const body = { intervalMs: 1000, ttlSec: 10 };
  const first = agents[0];
  if (!first) return { ...result, note: 'not measured: no agent connected' };
  // The running backend decides: a 404 "no route" means the route is not there (yet).
  const probe = await s.api.request('POST', path(first.computerId), body);
  const probeText = await probe.text();
  if (probe.status === 404 && probeText.includes('no route for')) {
    const inSource = backendHasLiveModeRoute();
    const note = `not measured: route missing (POST /api/v1/computers/{id}/live-mode answered 404 "no route"${
      inSource ? '; the source mentions live-mode: rebuild the backend (npx tsc -b packages/backend)' : ''
    })`;
    console.log(`  command latency ${note}`);
    return { ...result, note };
  }
  await sleep(300); // the probe's frame, if any, arrives and is discarded
  liveModeWaiters.clear();
  console.log(`  command latency: ${commandCount} sequential live-mode calls to random agents…`);
  const latencies: number[] = [];
  const http: number[] = [];
  let failedInARow = 0;
  for (let i = 0; i < commandCount; i++) {
    const agent = agents[Math.floor(Math.random() * agents.length)] as SimAgent;
    const arrived = new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        liveModeWaiters.delete(agent.computerId);
        resolve(null);
      }, 2000);
      liveModeWaiters.set(agent.computerId, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
    const t0 = preciseNow();
    result.calls += 1;
    let ok = false;
    try {
      const res = await fetch(`${s.backendUrl}${path(agent.computerId)}`, {
        method: 'POST',
        headers: { cookie: s.api.cookieHeader, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(3000),
      });
      http.push(preciseNow() - t0);
      await res.arrayBuffer();
      ok = res.ok;
      if (!ok) result.failures[`http ${res.status}`] = (result.failures[`http ${res.status}`] ?? 0) + 1;
    } catch (err) {
      const why = err instanceof Error ? err.name : String(err);
      result.failures[why] = (result.failures[why] ?? 0) + 1;
    }
    // A refused call sends nothing: do not wait for a frame.
    const at = ok ? await arrived : null;
    liveModeWaiters.delete(agent.computerId);
    if (at === null) {
      if (ok) result.failures['no frame within 2 s'] = (result.failures['no frame within 2 s'] ?? 0) + 1;
      failedInARow += 1;
      if (failedInARow >= 10) {
        console.log(
          `  command latency: 10 calls in a row failed (${JSON.stringify(result.failures)}); stopping`,
        );
        break;
      }
      continue;
    }
    failedInARow = 0;
    latencies.push(at - t0);
  }
  latencies.sort((a, b) => a - b);
  http.sort((a, b) => a - b);
  result.received = latencies.length;
  result.measured = latencies.length > 0;
  if (!result.measured) result.note = `not measured: no live-mode frame reached an agent (${probe.status})`;
  result.p50Ms = round(quantile(latencies, 0.5), 2);
  result.p99Ms = round(quantile(latencies, 0.99), 2);
  result.maxMs = round(latencies.at(-1) ?? null, 2);
  result.httpP50Ms = round(quantile(http, 0.5), 2);
  return result;
}
