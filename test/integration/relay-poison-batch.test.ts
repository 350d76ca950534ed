import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type System, startSystem } from '../harness.js';
import { storedPoints } from './agent-helpers.js';

/**
 * Issue 13, part 2: a batch the backend refuses (4xx) must not take its good
 * frames with it, and the refused frame must be kept, not acked away.
 */

interface IngestBody {
  items: Array<{ computerId: string; frame: { type: string; seq?: number } }>;
}

/**
 * An HTTP proxy in front of the backend. Once it has seen metrics sample
 * `first + 4` (the poison), it answers 503 to ingest batches until the relay
 * retries with the poison and at least three later samples in one batch;
 * from then on every batch holding the poison gets a 400, the rest go through.
 */
function poisonProxy(backendUrl: string) {
  const backend = new URL(backendUrl);
  const state = {
    poison: undefined as number | undefined,
    armed: false,
    refusedBatchSizes: [] as number[],
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'POST' && req.url === '/api/v1/internal/ingest') {
        const seqs = (JSON.parse(body.toString('utf8')) as IngestBody).items.flatMap((i) =>
          i.frame.type === 'metrics' && i.frame.seq !== undefined ? [i.frame.seq] : [],
        );
        if (state.poison === undefined && seqs.length > 0) state.poison = Math.min(...seqs) + 4;
        const poison = state.poison ?? -1;
        if (seqs.includes(poison)) {
          if (!state.armed && Math.max(...seqs) >= poison + 3) state.armed = true;
          if (!state.armed) {
            res.writeHead(503, { 'content-type': 'application/json' });
            res.end('{"error":{"code":"unavailable","message":"held by the test proxy"}}');
            return;
          }
          state.refusedBatchSizes.push(seqs.length);
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(`{"error":{"code":"bad_request","message":"sample ${poison} refused by the test proxy"}}`);
          return;
        }
      }
      const headers = { ...req.headers, host: backend.host };
      const out = request(
        { host: backend.hostname, port: backend.port, method: req.method, path: req.url, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      out.end(body);
    });
  });
  return { server, state };
}

describe('relay: a batch the backend refuses (real backend, relay and agent, a proxy between)', () => {
  let sys: System | undefined;
  let proxy: Server | undefined;

  afterEach(async () => {
    await sys?.stop();
    sys = undefined;
    proxy?.closeAllConnections();
    await new Promise((resolve) => proxy?.close(resolve));
    proxy = undefined;
  });

  it('stores every other frame, keeps the refused one in the dead-letter file with the reason, and counts it', async () => {
    const s = await startSystem();
    sys = s;
    const { server, state } = poisonProxy(s.backendUrl);
    proxy = server;
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const relay = await s.startRelay({ LABMGR_BACKEND_URL: proxyUrl });
    const { computerId, stateDir } = await s.enrollAgent('poison');
    s.startAgent(stateDir, { LABMGR_AGENT_INTERVAL_MS: '250' });

    const points = await eventually(
      async () => {
        const p = await storedPoints(s, computerId);
        return state.poison !== undefined && (p.at(-1)?.seq ?? 0) >= state.poison + 8 ? p : undefined;
      },
      40_000,
      'samples well past the refused one stored',
    );
    const poison = state.poison as number;
    // The relay was refused a batch of several frames and split it.
    expect(Math.max(...state.refusedBatchSizes)).toBeGreaterThanOrEqual(4);
    expect(state.refusedBatchSizes).toContain(1);

    // Every sample but the refused one is stored, once.
    const seqs = points.map((p) => p.seq);
    const first = seqs[0] ?? 0;
    const last = seqs.at(-1) ?? 0;
    const expected = Array.from({ length: last - first + 1 }, (_, i) => first + i).filter(
      (q) => q !== poison,
    );
    expect(seqs).toEqual(expected);

    // The refused one is in the dead-letter file, with the backend's reason: nothing is silently lost.
    const file = join(s.dataDir, 'relay-dead-letter', `${s.relayName}.jsonl`);
    const letters = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      relayId: s.relayName,
      computerId,
      type: 'metrics',
      seq: poison,
      status: 400,
      reason: 'backend answered 400',
      body: expect.stringContaining(`sample ${poison} refused by the test proxy`),
    });
    expect(JSON.parse(letters[0]?.frame as string)).toMatchObject({ type: 'metrics', seq: poison });

    const metrics = await (await fetch(`http://127.0.0.1:${s.relayPort}/metrics`)).text();
    expect(metrics).toMatch(/^labmgr_relay_dead_letter_frames_total 1$/m);
    expect(relay.output).toMatch(/backend refused a frame; kept in the dead-letter file/);
  }, 90_000);
});
