import { describe, expect, it } from 'vitest';
import type { AgentAuthOutcome } from '../backend/backend-client.js';
import { AgentAuthCache } from './auth-cache.js';

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
