import type { System } from '../test/harness.js';
import type { SimAgent } from './relay-load-ipc.js';

/**
 * Enrols `count` simulated agents (hostnames `sim-00000`, … from `first`)
 * through the enroll route, as the agent's `enroll` command calls it, 32 at
 * a time, with one multi-use enrollment token.
 */
export async function enrollSimAgents(s: System, first: number, count: number): Promise<SimAgent[]> {
  if (count <= 0) return [];
  const { token } = await s.api.json<{ token: string }>('POST', '/api/v1/enrollment-tokens', { uses: count });
  const agents: SimAgent[] = new Array(count);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const res = await fetch(`${s.backendUrl}/api/v1/agents/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, hostname: `sim-${String(first + i).padStart(5, '0')}` }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`enroll ${first + i} -> ${res.status}: ${text}`);
      const body = JSON.parse(text) as { computerId: string; credential: string };
      agents[i] = { computerId: body.computerId, credential: body.credential };
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return agents;
}
