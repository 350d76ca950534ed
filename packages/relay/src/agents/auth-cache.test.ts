import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentAuthOutcome } from '../backend/backend-client.js';
import { AgentAuthCache } from './auth-cache.js';
import { AuthVerdictStore } from './auth-store.js';

const A = { computerId: '6c3f2a1e-1b2c-4d5e-8f90-1234567890ab', hostname: 'pc-a' };
const B = { computerId: '7d4a3b2f-2c3d-4e6f-9a01-234567890abc', hostname: 'pc-b' };

/** A backend double that answers from a table and counts its calls. */
function backend(table: Record<string, AgentAuthOutcome>) {
  const calls: string[] = [];
  return {
    calls,
    check: async (credential: string): Promise<AgentAuthOutcome> => {
      calls.push(credential);
      return table[credential] ?? { kind: 'refused', status: 401, message: 'unknown' };
    },
  };
}

function clock(start = 0) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('AgentAuthCache', () => {
  it('reuses an accepted verdict until it expires, then asks again', async () => {
    const b = backend({ a: { kind: 'accepted', agent: A } });
    const c = clock();
    const cache = new AgentAuthCache(b.check, { acceptedTtlMs: 30_000, now: c.now });
    await expect(cache.authenticate('a')).resolves.toEqual({ kind: 'accepted', agent: A });
    c.t = 29_999;
    await expect(cache.authenticate('a')).resolves.toEqual({ kind: 'accepted', agent: A });
    expect(b.calls).toEqual(['a']);
    c.t = 30_000;
    await cache.authenticate('a');
    expect(b.calls).toEqual(['a', 'a']);
    expect(cache.stats).toEqual({ hits: 1, misses: 2 });
  });

  it('does not cache refusals by default, nor "cannot ask"', async () => {
    let down = true;
    const b = backend({});
    const cache = new AgentAuthCache(async (credential) => {
      if (down) return { kind: 'unavailable', reason: 'ECONNREFUSED' };
      return b.check(credential);
    });
    await expect(cache.authenticate('x')).resolves.toMatchObject({ kind: 'unavailable' });
    down = false;
    await expect(cache.authenticate('x')).resolves.toMatchObject({ kind: 'refused' });
    await expect(cache.authenticate('x')).resolves.toMatchObject({ kind: 'refused' });
    expect(b.calls).toEqual(['x', 'x']);
    expect(cache.size).toBe(0);
  });

  it('caches refusals briefly when asked to', async () => {
    const b = backend({});
    const c = clock();
    const cache = new AgentAuthCache(b.check, { refusedTtlMs: 2000, now: c.now });
    await cache.authenticate('bad');
    c.t = 1999;
    await expect(cache.authenticate('bad')).resolves.toEqual({
      kind: 'refused',
      status: 401,
      message: 'unknown',
    });
    expect(b.calls).toEqual(['bad']);
  });

  it('evicts every entry of one computer at once and leaves the others', async () => {
    const b = backend({
      a1: { kind: 'accepted', agent: A },
      a2: { kind: 'accepted', agent: A },
      b1: { kind: 'accepted', agent: B },
    });
    const cache = new AgentAuthCache(b.check);
    for (const cred of ['a1', 'a2', 'b1']) await cache.authenticate(cred);
    expect(cache.evictComputer(A.computerId)).toBe(2);
    expect(cache.evictComputer(A.computerId)).toBe(0);
    expect(cache.size).toBe(1);
    await cache.authenticate('a1');
    await cache.authenticate('b1');
    expect(b.calls).toEqual(['a1', 'a2', 'b1', 'a1']);
  });

  it('does not cache an answer that was in flight when the computer was evicted', async () => {
    let answer: (o: AgentAuthOutcome) => void = () => {};
    let calls = 0;
    const cache = new AgentAuthCache(() => {
      calls += 1;
      return new Promise((resolve) => {
        answer = resolve;
      });
    });
    const pending = cache.authenticate('a');
    cache.evictComputer(A.computerId);
    answer({ kind: 'accepted', agent: A });
    await pending;
    expect(cache.size).toBe(0);
    const again = cache.authenticate('a');
    answer({ kind: 'refused', status: 403, message: 'revoked' });
    await expect(again).resolves.toMatchObject({ kind: 'refused' });
    expect(calls).toBe(2);
  });

  it('drops the oldest entries beyond maxEntries', async () => {
    const table: Record<string, AgentAuthOutcome> = {};
    for (let i = 0; i < 5; i += 1) table[`c${i}`] = { kind: 'accepted', agent: { ...A, hostname: `h${i}` } };
    const b = backend(table);
    const cache = new AgentAuthCache(b.check, { maxEntries: 3 });
    for (let i = 0; i < 5; i += 1) await cache.authenticate(`c${i}`);
    expect(cache.size).toBe(3);
    await cache.authenticate('c4');
    await cache.authenticate('c0');
    expect(b.calls.slice(5)).toEqual(['c0']);
  });

  it('asks the backend every time with a TTL of 0', async () => {
    const b = backend({ a: { kind: 'accepted', agent: A } });
    const cache = new AgentAuthCache(b.check, { acceptedTtlMs: 0 });
    await cache.authenticate('a');
    await cache.authenticate('a');
    expect(b.calls).toEqual(['a', 'a']);
  });
});

describe('AgentAuthCache with stored verdicts (backend unavailable)', () => {
  let dir = '';
  let file = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'labmgr-auth-cache-'));
    file = join(dir, 'auth.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const DAY = 24 * 3600_000;
  const down: AgentAuthOutcome = { kind: 'unavailable', reason: 'ECONNREFUSED' };

  /** A backend double that can be taken down, refuse or accept each credential. */
  function switchable(table: Record<string, AgentAuthOutcome>) {
    const state = { up: true, calls: [] as string[] };
    const check = async (credential: string): Promise<AgentAuthOutcome> => {
      state.calls.push(credential);
      if (!state.up) return down;
      return table[credential] ?? { kind: 'refused', status: 401, message: 'unknown' };
    };
    return { state, check, table };
  }

  function setup(table: Record<string, AgentAuthOutcome>, c = clock(1_000_000)) {
    const b = switchable(table);
    const refused: string[] = [];
    const store = new AuthVerdictStore({ file, maxAgeMs: 7 * DAY, now: c.now });
    const cache = new AgentAuthCache(b.check, {
      store,
      now: c.now,
      onStaleRefused: (id) => refused.push(id),
    });
    return { b, c, cache, store, refused };
  }

  it('lets a known agent in on its stored verdict after a restart, only while the backend cannot be asked', async () => {
    const first = setup({ a: { kind: 'accepted', agent: A } });
    await first.cache.authenticate('a');
    await first.cache.close();
    // The file holds the hash, never the credential.
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(createHash('sha256').update('a').digest('base64'));
    expect(text).not.toContain('"a"');

    // "Restart" with the backend down: no memory cache, the store answers.
    const again = setup({ a: { kind: 'accepted', agent: A } }, first.c);
    again.b.state.up = false;
    await expect(again.cache.authenticate('a')).resolves.toEqual({
      kind: 'accepted',
      agent: A,
      stale: { verifiedAt: 1_000_000 },
    });
    expect(again.cache.staleAdmissions).toBe(1);
    expect(again.cache.fallbacks).toBe(1);
    // Never seen: "cannot ask" stands.
    await expect(again.cache.authenticate('z')).resolves.toEqual(down);
    // Backend up: it is asked, the stored verdict is not used.
    again.b.state.up = true;
    await expect(again.cache.authenticate('a')).resolves.toEqual({ kind: 'accepted', agent: A });
    expect(again.cache.staleAdmissions).toBe(0);
    await again.cache.close();
  });

  it('does not use a verdict older than the maximum age', async () => {
    const { b, c, cache } = setup({ a: { kind: 'accepted', agent: A } });
    await cache.authenticate('a');
    b.state.up = false;
    c.t += 7 * DAY + 1;
    await expect(cache.authenticate('a')).resolves.toEqual(down);
    await cache.close();
  });

  it('never lets in a credential the backend refused, and forgets it on disk too', async () => {
    const { b, cache, store } = setup({ a: { kind: 'accepted', agent: A } });
    await cache.authenticate('a');
    b.table.a = { kind: 'refused', status: 403, message: 'revoked' };
    // Past the memory TTL, so the backend is asked.
    cache.clear();
    await expect(cache.authenticate('a')).resolves.toMatchObject({ kind: 'refused' });
    b.state.up = false;
    await expect(cache.authenticate('a')).resolves.toEqual(down);
    expect(store.size).toBe(0);
    await cache.close();
    expect(JSON.parse(readFileSync(file, 'utf8')).verdicts).toEqual([]);
  });

  it('never lets in an evicted (revoked) computer', async () => {
    const { b, cache } = setup({ a: { kind: 'accepted', agent: A }, b: { kind: 'accepted', agent: B } });
    await cache.authenticate('a');
    await cache.authenticate('b');
    cache.evictComputer(A.computerId);
    cache.clear();
    b.state.up = false;
    await expect(cache.authenticate('a')).resolves.toEqual(down);
    await expect(cache.authenticate('b')).resolves.toMatchObject({ kind: 'accepted', stale: {} });
    await cache.close();
  });

  it('checks stale admissions again once the backend answers: refused ones are closed, accepted ones kept', async () => {
    const { b, cache, refused, store } = setup({
      a: { kind: 'accepted', agent: A },
      b: { kind: 'accepted', agent: B },
    });
    await cache.authenticate('a');
    await cache.authenticate('b');
    cache.clear();
    b.state.up = false;
    await cache.authenticate('a');
    await cache.authenticate('b');
    expect(cache.staleAdmissions).toBe(2);

    // Still down: the round stops at the first "cannot ask".
    const before = b.state.calls.length;
    await cache.recheck(true);
    expect(b.state.calls.length).toBe(before + 1);
    expect(cache.staleAdmissions).toBe(2);

    // Back, and B was revoked meanwhile.
    b.state.up = true;
    b.table.b = { kind: 'refused', status: 401, message: 'revoked' };
    await cache.recheck(true);
    expect(refused).toEqual([B.computerId]);
    expect(cache.staleAdmissions).toBe(0);
    expect(store.size).toBe(1);
    // Nothing left to check: no backend call.
    const after = b.state.calls.length;
    await cache.recheck(true);
    expect(b.state.calls.length).toBe(after);
    await cache.close();
  });

  it('re-checks on its own timer while agents are in on stored verdicts', async () => {
    const b = switchable({ a: { kind: 'accepted', agent: A } });
    const refused: string[] = [];
    const store = new AuthVerdictStore({ file, maxAgeMs: DAY });
    const cache = new AgentAuthCache(b.check, {
      store,
      recheckIntervalMs: 20,
      onStaleRefused: (id) => refused.push(id),
    });
    await cache.authenticate('a');
    cache.clear();
    b.state.up = false;
    await cache.authenticate('a');
    b.state.up = true;
    b.table.a = { kind: 'refused', status: 401, message: 'revoked' };
    await new Promise((r) => setTimeout(r, 200));
    expect(refused).toEqual([A.computerId]);
    await cache.close();
  });

  it('a refusal on a new connection also closes one let in on a stored verdict', async () => {
    const { b, cache, refused } = setup({ a: { kind: 'accepted', agent: A } });
    await cache.authenticate('a');
    cache.clear();
    b.state.up = false;
    await cache.authenticate('a');
    b.state.up = true;
    b.table.a = { kind: 'refused', status: 401, message: 'revoked' };
    await cache.authenticate('a');
    expect(refused).toEqual([A.computerId]);
    await cache.close();
  });
});
