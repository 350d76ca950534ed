import { ComputerDetail, ComputerList, fixtures, type IngestBatch } from '@labmgr/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayToken } from '../src/cli/commands.js';
import type { RunningServer } from '../src/server.js';
import { databases } from './databases.js';
import { ADMIN_PASSWORD, startTestServer } from './test-server.js';

/** Issue 13: the losses agents report are kept per computer, counted once, shown and filtered. */
describe.each(databases)('samples lost on $name', (database) => {
  let server: RunningServer;
  let close: () => Promise<void>;
  let cookie = '';
  let relay: Record<string, string> = {};

  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function enroll(hostname: string): Promise<string> {
    const { token } = (await (
      await api('POST', '/api/v1/enrollment-tokens', { uses: 1 }, { cookie })
    ).json()) as {
      token: string;
    };
    const res = await api('POST', '/api/v1/agents/enroll', { token, hostname });
    expect(res.status).toBe(200);
    return ((await res.json()) as { computerId: string }).computerId;
  }

  const metrics = (computerId: string, seq: number, dropped: number, at: number) => ({
    computerId,
    receivedAt: at,
    frame: { type: 'metrics' as const, seq, dropped, sample: fixtures.sample(at, 10) },
  });

  const ingest = async (items: IngestBatch['items']) => {
    const res = await api('POST', '/api/v1/internal/ingest', { relayId: 'test-relay', items }, relay);
    expect(res.status).toBe(200);
  };

  const detail = async (id: string) =>
    ComputerDetail.parse(await (await api('GET', `/api/v1/computers/${id}`, undefined, { cookie })).json());

  const listed = async (query: string) => {
    const res = await api('GET', `/api/v1/computers?${query}`, undefined, { cookie });
    expect(res.status).toBe(200);
    return ComputerList.parse(await res.json()).items.map((c) => c.hostname);
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

  it('sums each stored frame’s loss once: a replayed batch or a frame sent twice adds nothing', async () => {
    const lossy = await enroll('lost-pc01');
    const clean = await enroll('lost-pc02');
    const t = Date.UTC(2026, 0, 5, 10, 0, 0);
    expect(await detail(lossy)).toMatchObject({ samplesLost: 0, lastLossAt: null });

    const batch = [
      metrics(lossy, 1, 0, t),
      metrics(lossy, 5, 3, t + 5000), // 2..4 lost
      metrics(lossy, 5, 3, t + 5000), // the same frame re-sent within the batch
      metrics(clean, 1, 0, t),
    ];
    await ingest(batch);
    await ingest(batch); // the relay re-posts after a lost answer
    expect(await detail(lossy)).toMatchObject({
      samplesLost: 3,
      lastLossAt: new Date(t + 5000).toISOString(),
    });

    // A later loss adds up; an older frame arriving late does not move the time back.
    await ingest([metrics(lossy, 9, 2, t + 9000), metrics(lossy, 6, 0, t + 6000)]);
    await ingest([metrics(lossy, 3, 1, t + 3000)]); // a gap filled late, carrying its own report
    expect(await detail(lossy)).toMatchObject({
      samplesLost: 6,
      lastLossAt: new Date(t + 9000).toISOString(),
    });
    expect(await detail(clean)).toMatchObject({ samplesLost: 0, lastLossAt: null });

    expect(await listed('lossy=true')).toEqual(['lost-pc01']);
    expect(await listed('lossy=false&q=lost-pc')).toEqual(['lost-pc02']);
    const all = ComputerList.parse(
      await (await api('GET', '/api/v1/computers?q=lost-pc', undefined, { cookie })).json(),
    );
    expect(all.items.map((c) => [c.hostname, c.samplesLost])).toEqual([
      ['lost-pc01', 6],
      ['lost-pc02', 0],
    ]);
  });

  it('refuses a lossy filter that is not a boolean, naming it', async () => {
    const res = await api('GET', '/api/v1/computers?lossy=maybe', undefined, { cookie });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('lossy');
  });
});
