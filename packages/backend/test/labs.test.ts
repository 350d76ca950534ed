import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../src/server.js';
import { databases } from './databases.js';
import { ADMIN_PASSWORD as PASSWORD, startTestServer } from './test-server.js';

type Json = Record<string, unknown>;

describe.each(databases)('labs, seats, tags and notes on $name', (database) => {
  let server: RunningServer;
  let close: () => Promise<void>;
  let admin = '';
  let viewer = '';

  const api = async (method: string, path: string, body?: unknown, cookie = admin) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json, headers: res.headers };
  };
  const login = async (username: string, password: string) => {
    const res = await api('POST', '/api/v1/auth/login', { username, password }, '');
    expect(res.status).toBe(200);
    return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  };
  /** Enrolls a computer the real way (enrollment token → agent enroll) and returns its id. */
  const enroll = async (hostname: string, labId: string | null = null): Promise<string> => {
    const token = await api('POST', '/api/v1/enrollment-tokens', { uses: 1, labId });
    expect(token.status).toBe(201);
    const res = await api('POST', '/api/v1/agents/enroll', { token: token.body.token, hostname }, '');
    expect(res.status).toBe(200);
    return res.body.computerId as string;
  };
  const createLab = async (body: Json) => {
    const res = await api('POST', '/api/v1/labs', body);
    expect(res.status).toBe(201);
    return res.body as { id: string } & Json;
  };

  beforeAll(async () => {
    ({ server, close } = await startTestServer(database));
    admin = await login('admin', PASSWORD);
    expect(
      (await api('POST', '/api/v1/users', { username: 'vera', password: PASSWORD, role: 'viewer' })).status,
    ).toBe(201);
    viewer = await login('vera', PASSWORD);
  });

  afterAll(async () => {
    await close?.();
  });

  it('creates a lab, lists and reads it; refuses a duplicate name (any case) and a bad grid', async () => {
    const lab = await createLab({ name: 'Room 101', building: 'Main', room: '101', rows: 4, cols: 6 });
    expect(lab).toMatchObject({ name: 'Room 101', building: 'Main', rows: 4, cols: 6, computerCount: 0 });
    const list = await api('GET', '/api/v1/labs', undefined, viewer);
    expect(list.status).toBe(200);
    expect((list.body.items as Json[]).map((l) => l.name)).toContain('Room 101');
    expect((await api('GET', `/api/v1/labs/${lab.id}`, undefined, viewer)).body).toMatchObject({
      id: lab.id,
    });

    const dup = await api('POST', '/api/v1/labs', { name: 'room 101', rows: 1, cols: 1 });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: { code: 'lab_name_taken' } });
    const bad = await api('POST', '/api/v1/labs', { name: 'Huge', rows: 0, cols: 1000 });
    expect(bad.status).toBe(400);
    expect((bad.body.error as Json).message).toMatch(/rows|cols/);
    expect((await api('GET', '/api/v1/labs/nope')).status).toBe(404);
  });

  it('lets only admins change labs and computers', async () => {
    const lab = await createLab({ name: 'Viewer test', rows: 1, cols: 1 });
    const id = await enroll('viewer-pc');
    expect((await api('POST', '/api/v1/labs', { name: 'X', rows: 1, cols: 1 }, viewer)).status).toBe(403);
    expect((await api('PATCH', `/api/v1/labs/${lab.id}`, { rows: 2 }, viewer)).status).toBe(403);
    expect((await api('DELETE', `/api/v1/labs/${lab.id}`, undefined, viewer)).status).toBe(403);
    expect((await api('PATCH', `/api/v1/computers/${id}`, { notes: 'x' }, viewer)).status).toBe(403);
  });

  it('seats computers: inside the grid, one per seat, with a lab; moving clears the old seat', async () => {
    const lab = await createLab({ name: 'Room 202', rows: 2, cols: 3 });
    const other = await createLab({ name: 'Room 203', rows: 1, cols: 1 });
    const a = await enroll('r202-a');
    const b = await enroll('r202-b');

    const seated = await api('PATCH', `/api/v1/computers/${a}`, { labId: lab.id, seat: { row: 2, col: 3 } });
    expect(seated.status).toBe(200);
    expect(seated.body).toMatchObject({ labId: lab.id, seat: { row: 2, col: 3 } });

    const taken = await api('PATCH', `/api/v1/computers/${b}`, { labId: lab.id, seat: { row: 2, col: 3 } });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error: { code: 'seat_taken', details: { computerId: a } } });
    expect((taken.body.error as Json).message).toContain('r202-a');

    const outside = await api('PATCH', `/api/v1/computers/${b}`, { labId: lab.id, seat: { row: 3, col: 1 } });
    expect(outside.status).toBe(400);
    expect((outside.body.error as Json).message).toMatch(/^body\.seat: .*outside Room 202's 2 × 3 grid/);

    const noLab = await api('PATCH', `/api/v1/computers/${b}`, { seat: { row: 1, col: 1 } });
    expect(noLab.status).toBe(400);
    expect((noLab.body.error as Json).message).toMatch(/^body\.seat: a seat needs a lab/);

    const unknownLab = await api('PATCH', `/api/v1/computers/${b}`, { labId: 'no-such-lab' });
    expect(unknownLab.status).toBe(400);
    expect((unknownLab.body.error as Json).message).toMatch(/^body\.labId: no lab/);

    // The lab shows what it holds; a filtered list finds the seated computer.
    expect((await api('GET', `/api/v1/labs/${lab.id}`)).body).toMatchObject({ computerCount: 1 });
    const inLab = await api('GET', `/api/v1/computers?labId=${lab.id}`, undefined, viewer);
    expect((inLab.body.items as Json[]).map((c) => c.hostname)).toEqual(['r202-a']);

    // Moving to another lab without a seat leaves the old one free.
    const moved = await api('PATCH', `/api/v1/computers/${a}`, { labId: other.id });
    expect(moved.body).toMatchObject({ labId: other.id, seat: null });
    const free = await api('PATCH', `/api/v1/computers/${b}`, { labId: lab.id, seat: { row: 2, col: 3 } });
    expect(free.status).toBe(200);
  });

  it('frees the seat of a computer that is revoked, for the one replacing it', async () => {
    const lab = await createLab({ name: 'Room 204', rows: 1, cols: 2 });
    const old = await enroll('r204-old');
    const replacement = await enroll('r204-new');
    const seat = { row: 1, col: 2 };
    expect((await api('PATCH', `/api/v1/computers/${old}`, { labId: lab.id, seat })).status).toBe(200);
    expect((await api('POST', `/api/v1/computers/${old}/revoke`, {})).status).toBe(200);
    const taken = await api('PATCH', `/api/v1/computers/${replacement}`, { labId: lab.id, seat });
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ labId: lab.id, seat });
    const audit = await api('GET', `/api/v1/audit?target=${old}&action=computer.revoke`);
    expect((audit.body.items as Json[])[0]?.details).toMatchObject({ freedSeat: seat });
  });

  it('changes seats in one call: a swap, a newcomer, an unseat; live events and audit for each move', async () => {
    const lab = await createLab({ name: 'Room 404', rows: 2, cols: 2 });
    const a = await enroll('r404-a', lab.id);
    const b = await enroll('r404-b', lab.id);
    const c = await enroll('r404-c');
    const seats = `/api/v1/labs/${lab.id}/seats`;
    const seat = (row: number, col: number) => ({ row, col });
    expect(
      (
        await api('POST', seats, {
          assignments: [
            { computerId: a, seat: seat(1, 1) },
            { computerId: b, seat: seat(1, 2) },
          ],
        })
      ).status,
    ).toBe(200);

    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/live`, {
      headers: { cookie: viewer, origin: server.url },
    });
    const upserts: { id: string; seat: unknown }[] = [];
    ws.on('message', (d) => {
      for (const m of [JSON.parse(String(d))].flat() as { type: string; computer?: Json }[]) {
        if (m.type === 'computer.upsert' && m.computer) {
          upserts.push({ id: m.computer.id as string, seat: m.computer.seat });
        }
      }
    });
    await new Promise((r) => ws.once('open', r));

    // A swap: each takes the other's seat, in one call (two PATCHes would collide).
    const swap = await api('POST', seats, {
      assignments: [
        { computerId: a, seat: seat(1, 2) },
        { computerId: b, seat: seat(1, 1) },
      ],
    });
    expect(swap.status).toBe(200);
    expect(swap.body).toMatchObject({
      total: 2,
      items: [
        { id: a, labId: lab.id, seat: seat(1, 2) },
        { id: b, labId: lab.id, seat: seat(1, 1) },
      ],
    });
    await expect
      .poll(() => upserts)
      .toEqual([
        { id: a, seat: seat(1, 2) },
        { id: b, seat: seat(1, 1) },
      ]);

    // A computer from no lab takes a taken seat while its holder leaves it; the lab counts the newcomer.
    const join = await api('POST', seats, {
      assignments: [
        { computerId: c, seat: seat(1, 1) },
        { computerId: b, seat: null },
      ],
    });
    expect(join.status).toBe(200);
    expect((await api('GET', `/api/v1/computers/${c}`)).body).toMatchObject({
      labId: lab.id,
      seat: seat(1, 1),
    });
    expect((await api('GET', `/api/v1/computers/${b}`)).body).toMatchObject({ labId: lab.id, seat: null });
    expect((await api('GET', `/api/v1/labs/${lab.id}`)).body).toMatchObject({ computerCount: 3 });

    await expect
      .poll(() => upserts.slice(2))
      .toEqual([
        { id: c, seat: seat(1, 1) },
        { id: b, seat: null },
      ]);

    // What did not move is neither written, audited nor announced.
    const before = upserts.length;
    const same = await api('POST', seats, { assignments: [{ computerId: a, seat: seat(1, 2) }] });
    expect(same.status).toBe(200);
    const after = await api('POST', seats, { assignments: [{ computerId: b, seat: seat(2, 2) }] });
    expect(after.status).toBe(200);
    await expect.poll(() => upserts.slice(before)).toEqual([{ id: b, seat: seat(2, 2) }]);
    ws.close();

    const audit = await api('GET', `/api/v1/audit?target=${c}&action=computer.`);
    expect(audit.body.items).toMatchObject([
      {
        action: 'computer.update',
        actorName: 'admin',
        details: {
          hostname: 'r404-c',
          changes: { labId: { from: null, to: lab.id }, seat: { from: null, to: seat(1, 1) } },
        },
      },
    ]);
    const aAudit = await api('GET', `/api/v1/audit?target=${a}&action=computer.`);
    expect((aAudit.body.items as Json[]).map((e) => (e.details as Json).changes)).toEqual([
      { seat: { from: seat(1, 1), to: seat(1, 2) } },
      { seat: { from: null, to: seat(1, 1) } },
    ]);
  });

  it('refuses seat changes that would not fit, and then changes nothing', async () => {
    const lab = await createLab({ name: 'Room 505', rows: 2, cols: 3 });
    const a = await enroll('r505-a', lab.id);
    const b = await enroll('r505-b', lab.id);
    const gone = await enroll('r505-gone');
    const seats = `/api/v1/labs/${lab.id}/seats`;
    await api('POST', seats, {
      assignments: [
        { computerId: a, seat: { row: 1, col: 1 } },
        { computerId: b, seat: { row: 1, col: 2 } },
      ],
    });
    const unchanged = async () => {
      expect((await api('GET', `/api/v1/computers/${a}`)).body).toMatchObject({ seat: { row: 1, col: 1 } });
      expect((await api('GET', `/api/v1/computers/${b}`)).body).toMatchObject({ seat: { row: 1, col: 2 } });
    };

    // Outside the grid, even when the other assignment of the call was fine.
    const outside = await api('POST', seats, {
      assignments: [
        { computerId: a, seat: { row: 2, col: 3 } },
        { computerId: b, seat: { row: 3, col: 1 } },
      ],
    });
    expect(outside.status).toBe(400);
    expect(outside.body).toMatchObject({ error: { code: 'validation_failed' } });
    expect((outside.body.error as Json).message).toMatch(
      /^body\.assignments\.1\.seat: row 3, column 1 is outside Room 505's 2 × 3 grid/,
    );
    await unchanged();

    // A seat held by a computer the call leaves where it is.
    const taken = await api('POST', seats, { assignments: [{ computerId: a, seat: { row: 1, col: 2 } }] });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error: { code: 'seat_taken', details: { computerId: b } } });
    expect((taken.body.error as Json).message).toContain('r505-b');
    await unchanged();

    // Two computers on one seat, one computer twice: the request itself is wrong.
    const twoOnOne = await api('POST', seats, {
      assignments: [
        { computerId: a, seat: { row: 2, col: 2 } },
        { computerId: b, seat: { row: 2, col: 2 } },
      ],
    });
    expect(twoOnOne.status).toBe(400);
    expect((twoOnOne.body.error as Json).message).toBe('body.assignments.1.seat: given to two computers');
    const twice = await api('POST', seats, {
      assignments: [
        { computerId: a, seat: { row: 2, col: 2 } },
        { computerId: a, seat: null },
      ],
    });
    expect(twice.status).toBe(400);
    expect((twice.body.error as Json).message).toBe('body.assignments.1.computerId: listed twice');
    expect((await api('POST', seats, { assignments: [] })).status).toBe(400);
    await unchanged();

    // Unknown and retired computers, an unknown lab.
    const unknownId = '00000000-0000-4000-8000-000000000000';
    const unknown = await api('POST', seats, {
      assignments: [
        { computerId: a, seat: { row: 2, col: 1 } },
        { computerId: unknownId, seat: null },
      ],
    });
    expect(unknown.status).toBe(400);
    expect((unknown.body.error as Json).message).toBe(
      `body.assignments.1.computerId: no computer with id ${unknownId}`,
    );
    expect((await api('POST', `/api/v1/computers/${gone}/revoke`, {})).status).toBe(200);
    const retired = await api('POST', seats, {
      assignments: [{ computerId: gone, seat: { row: 2, col: 1 } }],
    });
    expect(retired.status).toBe(400);
    expect((retired.body.error as Json).message).toMatch(/^body\.assignments\.0\.computerId: no computer/);
    const noLab = await api('POST', '/api/v1/labs/no-such-lab/seats', {
      assignments: [{ computerId: a, seat: null }],
    });
    expect(noLab.status).toBe(404);
    await unchanged();
  });

  it('lets only admins change seats', async () => {
    const lab = await createLab({ name: 'Room 606', rows: 1, cols: 2 });
    const pc = await enroll('r606-pc', lab.id);
    expect(
      (await api('POST', '/api/v1/users', { username: 'otto', password: PASSWORD, role: 'operator' })).status,
    ).toBe(201);
    const operator = await login('otto', PASSWORD);
    for (const cookie of [viewer, operator]) {
      const res = await api(
        'POST',
        `/api/v1/labs/${lab.id}/seats`,
        { assignments: [{ computerId: pc, seat: { row: 1, col: 1 } }] },
        cookie,
      );
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect((await api('GET', `/api/v1/computers/${pc}`)).body).toMatchObject({ seat: null });
  });

  it('refuses to shrink a grid under a seated computer, and deleting a lab unassigns its computers', async () => {
    const lab = await createLab({ name: 'Room 303', rows: 3, cols: 3 });
    const pc = await enroll('r303-pc', lab.id);
    // The enrollment token's lab is the computer's lab.
    expect((await api('GET', `/api/v1/computers/${pc}`)).body).toMatchObject({ labId: lab.id, seat: null });
    await api('PATCH', `/api/v1/computers/${pc}`, { seat: { row: 3, col: 2 } });

    const shrink = await api('PATCH', `/api/v1/labs/${lab.id}`, { rows: 2 });
    expect(shrink.status).toBe(409);
    expect(shrink.body).toMatchObject({
      error: { code: 'seats_outside_grid', details: { computers: [pc] } },
    });
    expect((shrink.body.error as Json).message).toContain('r303-pc');
    const grow = await api('PATCH', `/api/v1/labs/${lab.id}`, { cols: 5, name: 'Room 303 (new)' });
    expect(grow.body).toMatchObject({ rows: 3, cols: 5, name: 'Room 303 (new)' });

    expect((await api('DELETE', `/api/v1/labs/${lab.id}`)).status).toBe(204);
    expect((await api('GET', `/api/v1/labs/${lab.id}`)).status).toBe(404);
    expect((await api('GET', `/api/v1/computers/${pc}`)).body).toMatchObject({ labId: null, seat: null });
    const none = await api('GET', '/api/v1/computers?labId=none');
    expect((none.body.items as Json[]).map((c) => c.hostname)).toContain('r303-pc');

    const badToken = await api('POST', '/api/v1/enrollment-tokens', { labId: lab.id });
    expect(badToken.status).toBe(400);
    expect((badToken.body.error as Json).message).toMatch(/^body\.labId: no lab/);
  });

  it('names, tags (normalised, filterable) and annotates a computer', async () => {
    const id = await enroll('tag-pc');
    const res = await api('PATCH', `/api/v1/computers/${id}`, {
      displayName: 'Teacher desk',
      tags: ['Projector', 'gpu_box', 'projector'],
      notes: 'Fan is loud; ticket #4411.',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      hostname: 'tag-pc',
      displayName: 'Teacher desk',
      tags: ['gpu_box', 'projector'],
      notes: 'Fan is loud; ticket #4411.',
    });
    const byTag = await api('GET', '/api/v1/computers?tag=gpu_box', undefined, viewer);
    expect((byTag.body.items as Json[]).map((c) => c.id)).toEqual([id]);
    // `_` is a LIKE wildcard: it must not match another character.
    expect(((await api('GET', '/api/v1/computers?tag=gpuxbox')).body.items as Json[]).length).toBe(0);
    expect(((await api('GET', '/api/v1/computers?q=teacher')).body.items as Json[]).length).toBe(1);
    expect(((await api('GET', '/api/v1/computers?q=tag-pc')).body.items as Json[]).length).toBe(1);

    const badTag = await api('PATCH', `/api/v1/computers/${id}`, { tags: ['has space'] });
    expect(badTag.status).toBe(400);
    expect((badTag.body.error as Json).message).toMatch(/tags/);
    expect((await api('PATCH', `/api/v1/computers/${id}`, {})).status).toBe(400);
  });

  it('writes every change to the audit log with actor, target and changes', async () => {
    const lab = await createLab({ name: 'Audit room', rows: 1, cols: 2 });
    const id = await enroll('audit-pc');
    await api('PATCH', `/api/v1/computers/${id}`, { labId: lab.id, seat: { row: 1, col: 2 }, tags: ['a'] });
    await api('PATCH', `/api/v1/labs/${lab.id}`, { room: 'B12' });
    await api('DELETE', `/api/v1/labs/${lab.id}`);
    const audit = await api('GET', `/api/v1/audit?target=${lab.id}`);
    const actions = (audit.body.items as Json[]).map((e) => e.action);
    expect(actions).toEqual(['lab.delete', 'lab.update', 'lab.create']);
    const pc = await api('GET', `/api/v1/audit?target=${id}&action=computer.`);
    expect(pc.body.items).toMatchObject([
      {
        action: 'computer.update',
        details: {
          changes: {
            labId: { from: null, to: lab.id },
            seat: { to: { row: 1, col: 2 } },
            tags: { to: ['a'] },
          },
        },
      },
    ]);
  });

  it('lists enrollment tokens with their state and revokes one: it enrolls nothing after that', async () => {
    const made = await api('POST', '/api/v1/enrollment-tokens', { uses: 2 });
    const { id, token } = made.body as { id: string; token: string };
    const listed = await api('GET', '/api/v1/enrollment-tokens?active=true');
    expect(listed.status).toBe(200);
    const mine = (listed.body.items as Json[]).find((t) => t.id === id);
    expect(mine).toMatchObject({ state: 'active', usesLeft: 2, revokedAt: null });
    expect(JSON.stringify(listed.body)).not.toContain(token);

    expect((await api('DELETE', `/api/v1/enrollment-tokens/${id}`)).status).toBe(204);
    // Again: still 204, audited once.
    expect((await api('DELETE', `/api/v1/enrollment-tokens/${id}`)).status).toBe(204);
    expect((await api('DELETE', '/api/v1/enrollment-tokens/nope')).status).toBe(404);
    const refused = await api('POST', '/api/v1/agents/enroll', { token, hostname: 'late-pc' }, '');
    expect(refused.status).toBe(401);

    const all = await api('GET', '/api/v1/enrollment-tokens');
    expect((all.body.items as Json[]).find((t) => t.id === id)).toMatchObject({
      state: 'revoked',
      revokedAt: expect.any(String),
    });
    const active = await api('GET', '/api/v1/enrollment-tokens?active=true');
    expect((active.body.items as Json[]).some((t) => t.id === id)).toBe(false);
    const audit = await api('GET', `/api/v1/audit?target=${id}`);
    expect((audit.body.items as Json[]).map((e) => e.action)).toEqual([
      'enrollment_token.revoke',
      'enrollment_token.create',
    ]);
  });

  it('creates a relay token (shown once) and revokes it: the relay is refused from then on', async () => {
    const made = await api('POST', '/api/v1/relays', { name: 'building-b' });
    expect(made.status).toBe(201);
    const { id, token } = made.body as { id: string; token: string };
    expect(token).toMatch(/^lmr_/);
    expect((await api('POST', '/api/v1/relays', { name: 'building-b' })).status).toBe(409);
    expect((await api('POST', '/api/v1/relays', { name: 'has space' })).status).toBe(400);
    const asRelay = (t: string) =>
      fetch(`${server.url}/api/v1/internal/agent-auth`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        body: JSON.stringify({ credential: 'lma_unknown' }),
      });
    // Authenticated as a relay: the unknown credential is the only thing refused.
    expect((await asRelay(token)).status).toBe(401);
    const auth = await (await asRelay(token)).json();
    expect(auth).toMatchObject({ error: { message: 'agent credential unknown or revoked' } });

    expect((await api('DELETE', `/api/v1/relays/${id}`)).status).toBe(204);
    const reuse = await api('POST', '/api/v1/relays', { name: 'building-b' });
    expect(reuse.status).toBe(409);
    expect((reuse.body.error as Json).message).toContain('revoked relays keep their name');
    const refused = await asRelay(token);
    expect(refused.status).toBe(401);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).not.toContain('agent credential');
    const listed = await api('GET', '/api/v1/relays');
    expect((listed.body.items as Json[]).find((r) => r.id === id)).toMatchObject({
      revokedAt: expect.any(String),
    });
    const audit = await api('GET', `/api/v1/audit?target=${id}`);
    expect((audit.body.items as Json[]).map((e) => e.action)).toEqual(['relay.revoke', 'relay.create']);
  });

  it('sorts the computer list by name (display name first), hostname or status, either way', async () => {
    const lab = await createLab({ name: 'Sort room', rows: 1, cols: 3 });
    const ids = {
      b: await enroll('sort-b', lab.id),
      a: await enroll('sort-a', lab.id),
      c: await enroll('sort-c', lab.id),
    };
    await api('PATCH', `/api/v1/computers/${ids.c}`, { displayName: 'AAA front desk' });
    const names = async (query: string) =>
      ((await api('GET', `/api/v1/computers?labId=${lab.id}&${query}`)).body.items as Json[]).map(
        (c) => c.hostname,
      );
    expect(await names('')).toEqual(['sort-c', 'sort-a', 'sort-b']);
    expect(await names('sort=hostname')).toEqual(['sort-a', 'sort-b', 'sort-c']);
    expect(await names('sort=hostname&order=desc')).toEqual(['sort-c', 'sort-b', 'sort-a']);
    // One computer seen by a relay; never-seen ones go last in both directions.
    const relay = await api('POST', '/api/v1/relays', { name: 'sort-relay' });
    const seen = await fetch(`${server.url}/api/v1/internal/presence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${relay.body.token as string}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        relayId: 'sort-relay',
        events: [{ computerId: ids.b, state: 'connected', at: Date.now() }],
      }),
    });
    expect(seen.status).toBe(204);
    expect(await names('sort=lastSeenAt&order=desc')).toEqual(['sort-b', 'sort-a', 'sort-c']);
    expect(await names('sort=lastSeenAt&order=asc')).toEqual(['sort-b', 'sort-a', 'sort-c']);
    // Status sorts by its name: offline before online.
    expect(await names('sort=status')).toEqual(['sort-a', 'sort-c', 'sort-b']);
    expect(await names('sort=status&order=desc')).toEqual(['sort-b', 'sort-a', 'sort-c']);
    expect((await api('GET', '/api/v1/computers?sort=cpu')).status).toBe(400);
  });
});
