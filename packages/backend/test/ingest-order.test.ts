import { ComputerDetail, fixtures, type IngestBatch, IngestResult, MetricSeries } from '@labmgr/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayToken } from '../src/cli/commands.js';
import type { RunningServer } from '../src/server.js';
import { databases } from './databases.js';
import { ADMIN_PASSWORD, startTestServer } from './test-server.js';

/**
 * A relay may keep more than one ingest batch in flight, and a spooled batch
 * may be replayed late: batches are stored in whatever order they arrive, a
 * computer's latest figures are never replaced by an older sample's, and each
 * (computer, seq) is stored once.
 */
describe.each(databases)('ingest batches stored out of order on $name', (database) => {
  let server: RunningServer;
  let close: () => Promise<void>;
  let cookie = '';
  let relay: Record<string, string> = {};
  const t0 = Date.now() - 3_600_000;

  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function enroll(hostname: string): Promise<string> {
    const res = await api('POST', '/api/v1/enrollment-tokens', { uses: 1 }, { cookie });
    const { token } = (await res.json()) as { token: string };
    const enrolled = await api('POST', '/api/v1/agents/enroll', { token, hostname });
    expect(enrolled.status).toBe(200);
    return ((await enrolled.json()) as { computerId: string }).computerId;
  }

  /** Sample `seq` of a computer: taken `seq` s after t0, its CPU figure the seq. */
  const metrics = (computerId: string, seq: number) => ({
    computerId,
    receivedAt: t0 + seq * 1000,
    frame: { type: 'metrics' as const, seq, dropped: 0, sample: fixtures.sample(t0 + seq * 1000, seq % 100) },
  });

  const ingest = async (items: IngestBatch['items']) => {
    const res = await api('POST', '/api/v1/internal/ingest', { relayId: 'test-relay', items }, relay);
    expect(res.status).toBe(200);
    return IngestResult.parse(await res.json()).acks;
  };

  const detail = async (id: string) =>
    ComputerDetail.parse(await (await api('GET', `/api/v1/computers/${id}`, undefined, { cookie })).json());

  /** The stored raw samples' times, in order. */
  const stored = async (id: string) => {
    const q = new URLSearchParams({
      from: new Date(t0).toISOString(),
      to: new Date(t0 + 1_000_000).toISOString(),
      resolution: 'raw',
    });
    const res = await api('GET', `/api/v1/computers/${id}/metrics?${q}`, undefined, { cookie });
    expect(res.status).toBe(200);
    return MetricSeries.parse(await res.json()).points.map((p) => Date.parse(p.at));
  };

  beforeAll(async () => {
    const started = await startTestServer(database);
    ({ server, close } = started);
    const login = await api('POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    relay = {
      authorization: `Bearer ${(await createRelayToken({ ...started.config }, 'test-relay')).token}`,
    };
  });

  afterAll(async () => {
    await close?.();
  });

  it('keeps the newest figures when an older batch is stored after a newer one, and stores both', async () => {
    const id = await enroll('order-pc01');
    expect(await ingest([metrics(id, 10), metrics(id, 11)])).toEqual([{ computerId: id, seq: 11 }]);
    const newest = (await detail(id)).metrics;
    expect(newest?.cpuPercent).toBe(11);

    // The older batch arrives last: acked for its own seqs, stored, the figures left as they were.
    expect(await ingest([metrics(id, 8), metrics(id, 9)])).toEqual([{ computerId: id, seq: 9 }]);
    expect((await detail(id)).metrics).toEqual(newest);
    expect(await stored(id)).toEqual([8, 9, 10, 11].map((s) => t0 + s * 1000));

    // Newer again: replaces them.
    await ingest([metrics(id, 12)]);
    expect((await detail(id)).metrics?.cpuPercent).toBe(12);
  });

  it('a late batch does not bring a computer that went offline back online', async () => {
    const id = await enroll('order-pc02');
    await ingest([metrics(id, 20)]);
    expect((await detail(id)).status).toBe('online');
    const res = await api(
      'POST',
      '/api/v1/internal/presence',
      { relayId: 'test-relay', events: [{ computerId: id, state: 'disconnected', at: Date.now() }] },
      relay,
    );
    expect(res.status).toBe(204);
    expect((await detail(id)).status).toBe('offline');

    await ingest([metrics(id, 19)]); // replayed late from a relay's spool
    expect((await detail(id)).status).toBe('offline');
    await ingest([metrics(id, 21)]); // the agent is back
    expect((await detail(id)).status).toBe('online');
  });

  it('stores batches posted at once for the same computers: each sample once, the newest figures kept', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => enroll(`order-c${i}`)));
    // Eight batches of the same twenty computers, seqs 1..40, in a shuffled order per batch,
    // each posted twice (a relay re-sending after a lost answer), all at once.
    const batches = Array.from({ length: 8 }, (_, b) => {
      const items = ids.flatMap((id) => [
        metrics(id, b * 5 + 1),
        metrics(id, b * 5 + 2),
        metrics(id, b * 5 + 5),
      ]);
      return b % 2 ? items.reverse() : items;
    });
    const answers = await Promise.all([...batches, ...batches].map((items) => ingest(items)));
    for (const [k, acks] of answers.entries()) {
      const b = k % batches.length;
      expect(acks).toHaveLength(ids.length);
      for (const a of acks) expect(a.seq).toBe(b * 5 + 5);
    }
    for (const id of ids) {
      expect((await detail(id)).metrics?.cpuPercent).toBe(40);
      expect(await stored(id)).toEqual(
        Array.from({ length: 8 }, (_, b) => [b * 5 + 1, b * 5 + 2, b * 5 + 5])
          .flat()
          .map((s) => t0 + s * 1000),
      );
    }
  });
});
