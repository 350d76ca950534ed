import type { CommandDetail, CommandList } from '@labmgr/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnrollmentToken, createRelayToken } from '../src/cli/commands.js';
import type { ServerConfig } from '../src/config.js';
import type { RunningServer } from '../src/server.js';
import { databases } from './databases.js';
import { ADMIN_PASSWORD as PASSWORD, startTestServer } from './test-server.js';

/**
 * The commands API on each database: validation, targets, runs that cannot be
 * delivered, and progress frames arriving through the relays' ingest route
 * (the real agent path is in test/integration/commands.test.ts).
 */
describe.each(databases)('commands API on $name', (database) => {
  let server: RunningServer;
  let close: () => Promise<void>;
  let cookie = '';
  let relayToken = '';
  const computers: string[] = [];

  const api = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = { cookie },
  ) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const ingest = (computerId: string, frames: unknown[]) =>
    api(
      'POST',
      '/api/v1/internal/ingest',
      { relayId: 'r', items: frames.map((frame) => ({ computerId, receivedAt: Date.now(), frame })) },
      { authorization: `Bearer ${relayToken}` },
    );
  /** The id the agent would see for a computer's run (not part of the API). */
  const runIdOf = async (commandId: string, computerId: string) =>
    (
      await server.ctx.db
        .selectFrom('command_runs')
        .select('id')
        .where('command_id', '=', commandId)
        .where('computer_id', '=', computerId)
        .executeTakeFirstOrThrow()
    ).id;

  beforeAll(async () => {
    let cfg: ServerConfig;
    ({ server, config: cfg, close } = await startTestServer(database));
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    relayToken = (await createRelayToken({ ...cfg }, 'cmd-relay')).token;
    const { token } = await createEnrollmentToken({ ...cfg }, { uses: 3 });
    for (const hostname of ['pc-1', 'pc-2', 'pc-3']) {
      const res = await api('POST', '/api/v1/agents/enroll', { token, hostname }, {});
      computers.push((res.body as { computerId: string }).computerId);
    }
    await server.ctx.db
      .updateTable('computers')
      .set({ tags: '["exam"]' })
      .where('hostname', '=', 'pc-3')
      .execute();
  });

  afterAll(async () => {
    await close?.();
  });

  it('refuses bad requests with the field and reason', async () => {
    const cases: [unknown, RegExp][] = [
      [{ targets: {}, kind: 'shell', command: 'x' }, /targets/],
      [{ targets: { computerIds: [computers[0]] }, kind: 'shell', command: '' }, /command/],
      [{ targets: { computerIds: [computers[0]] }, kind: 'launch', command: 'x' }, /kind/],
      [
        { targets: { computerIds: [computers[0]] }, kind: 'shell', command: 'x', timeoutSec: 0 },
        /timeoutSec/,
      ],
      [{ targets: { computerIds: ['not-a-uuid'] }, kind: 'exec', argv: ['/bin/true'] }, /computerIds/],
      [
        {
          targets: { computerIds: ['00000000-0000-4000-8000-000000000000'] },
          kind: 'exec',
          argv: ['/bin/true'],
        },
        /computerIds.*unknown/,
      ],
      [{ targets: { tag: 'nobody-has-this' }, kind: 'exec', argv: ['/bin/true'] }, /no computer matches/],
    ];
    for (const [body, why] of cases) {
      const res = await api('POST', '/api/v1/commands', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body), JSON.stringify(body)).toMatch(why);
    }
  });

  it('marks a run unreachable at once when no relay holds its computer', async () => {
    const res = await api('POST', '/api/v1/commands', {
      targets: { tag: 'exam' },
      kind: 'shell',
      command: 'echo hi',
    });
    expect(res.status).toBe(201);
    const job = res.body as CommandDetail;
    expect(job.runs).toEqual([
      expect.objectContaining({ computerId: computers[2], computerName: 'pc-3', status: 'unreachable' }),
    ]);
    expect(job.status).toBe('completed');
    expect(job.counts).toEqual({ unreachable: 1 });
  });

  it('follows a run through the progress frames its agent sends, once each', async () => {
    const [a, b] = computers as [string, string];
    const job = (
      await api('POST', '/api/v1/commands', {
        targets: { computerIds: [a, b] },
        kind: 'shell',
        command: 'ls',
      })
    ).body as CommandDetail;
    const runA = await runIdOf(job.id, a);
    // As if the relay had delivered them (no relay is running in this test).
    await server.ctx.db
      .updateTable('command_runs')
      .set({ status: 'sent' })
      .where('command_id', '=', job.id)
      .execute();
    await server.ctx.db.updateTable('commands').set({ finished_at: null }).where('id', '=', job.id).execute();
    const started = Date.now();
    const out = (seq: number, data: string, stream = 'stdout') => ({
      type: 'command-output',
      commandId: runA,
      seq,
      stream,
      data,
    });
    expect(
      (
        await ingest(a, [
          { type: 'command-started', commandId: runA, startedAt: started },
          out(0, 'one\n'),
          out(1, 'oops\n', 'stderr'),
        ])
      ).status,
    ).toBe(200);
    // A batch the relay sends again after a failed answer: chunks already applied are skipped.
    await ingest(a, [out(1, 'oops\n', 'stderr'), out(2, 'two\n')]);
    // Another computer cannot report on this run.
    await ingest(b, [
      {
        type: 'command-result',
        commandId: runA,
        status: 'succeeded',
        exitCode: 0,
        signal: null,
        startedAt: started,
        finishedAt: started,
        durationMs: 0,
        truncated: false,
        message: null,
      },
    ]);
    let now = (await api('GET', `/api/v1/commands/${job.id}`)).body as CommandDetail;
    expect(now.runs.find((r) => r.computerId === a)).toMatchObject({
      status: 'running',
      stdout: 'one\ntwo\n',
      stderr: 'oops\n',
    });
    expect(now.status).toBe('running');

    await ingest(a, [
      {
        type: 'command-result',
        commandId: runA,
        status: 'failed',
        exitCode: 2,
        signal: null,
        startedAt: started,
        finishedAt: started + 15,
        durationMs: 15,
        truncated: false,
        message: null,
      },
    ]);
    await ingest(b, [
      {
        type: 'command-result',
        commandId: await runIdOf(job.id, b),
        status: 'refused',
        exitCode: null,
        signal: null,
        startedAt: null,
        finishedAt: started,
        durationMs: 0,
        truncated: false,
        message: 'refused by local policy: shell commands are not allowed',
      },
    ]);
    now = (await api('GET', `/api/v1/commands/${job.id}`)).body as CommandDetail;
    expect(now.runs.find((r) => r.computerId === a)).toMatchObject({
      status: 'failed',
      exitCode: 2,
      durationMs: 15,
    });
    expect(now.runs.find((r) => r.computerId === b)).toMatchObject({
      status: 'refused',
      message: expect.stringMatching(/policy/),
    });
    expect(now).toMatchObject({ status: 'completed', counts: { failed: 1, refused: 1 } });
    expect(now.finishedAt).not.toBeNull();

    const list = (await api('GET', `/api/v1/commands?computerId=${a}&status=completed`)).body as CommandList;
    expect(list.items.map((i) => i.id)).toContain(job.id);
    expect(list.items.find((i) => i.id === job.id)?.counts).toEqual({ failed: 1, refused: 1 });
    const running = (await api('GET', '/api/v1/commands?status=running')).body as CommandList;
    expect(running.items.map((i) => i.id)).not.toContain(job.id);
  });

  it('keeps a power action and a message as given, and re-runs them unchanged', async () => {
    const [a] = computers as [string];
    const power = (
      await api('POST', '/api/v1/commands', {
        targets: { computerIds: [a] },
        kind: 'power',
        action: 'shutdown',
        delaySec: 300,
        message: 'Closing time',
      })
    ).body as CommandDetail;
    expect(power).toMatchObject({
      kind: 'power',
      command: 'shutdown in 300 s: Closing time',
      power: { action: 'shutdown', delaySec: 300, message: 'Closing time' },
      notice: null,
    });
    const again = await api('POST', `/api/v1/commands/${power.id}/rerun`);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ rerunOf: power.id, power: { action: 'shutdown', delaySec: 300 } });
    const note = (
      await api('POST', '/api/v1/commands', {
        targets: { computerIds: [a] },
        kind: 'message',
        title: 'Hi',
        text: 'There',
      })
    ).body as CommandDetail;
    expect(note).toMatchObject({ kind: 'message', notice: { title: 'Hi', text: 'There' }, power: null });
    for (const bad of [
      { kind: 'power', action: 'explode' },
      { kind: 'power', action: 'reboot', delaySec: -1 },
      { kind: 'message', title: '', text: 'x' },
    ]) {
      const res = await api('POST', '/api/v1/commands', { targets: { computerIds: [a] }, ...bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
  });

  it('keeps a script library: versions on edit, unique names, runs a version with its parameters', async () => {
    const create = await api('POST', '/api/v1/scripts', {
      name: 'Clean temp',
      description: 'Empties a folder',
      body: 'rm -rf "$DIR"/*',
      parameters: [{ name: 'DIR', required: true }],
      targetOs: 'linux',
    });
    expect(create.status).toBe(201);
    const script = create.body as { id: string; version: number };
    expect(script).toMatchObject({ name: 'Clean temp', version: 1, shell: 'sh', targetOs: 'linux' });
    expect((await api('POST', '/api/v1/scripts', { name: 'clean TEMP', body: 'x' })).status).toBe(409);
    expect(
      (
        await api('POST', '/api/v1/scripts', {
          name: 'Dup',
          body: 'x',
          parameters: [{ name: 'A' }, { name: 'A' }],
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await api('POST', '/api/v1/scripts', {
          name: 'Win',
          shell: 'cmd',
          body: 'dir',
          parameters: [{ name: 'A' }],
        })
      ).status,
    ).toBe(400);
    expect(
      (await api('POST', '/api/v1/scripts', { name: 'Bad', body: 'x', parameters: [{ name: 'no-dash' }] }))
        .status,
    ).toBe(400);

    // A description change keeps the version; a body change makes version 2.
    expect(
      (await api('PATCH', `/api/v1/scripts/${script.id}`, { description: 'Empties a folder now' })).body,
    ).toMatchObject({
      version: 1,
    });
    expect(
      (await api('PATCH', `/api/v1/scripts/${script.id}`, { body: 'rm -rf -- "$DIR"/*' })).body,
    ).toMatchObject({ version: 2, body: 'rm -rf -- "$DIR"/*' });
    const versions = (await api('GET', `/api/v1/scripts/${script.id}/versions`)).body as {
      items: { version: number }[];
    };
    expect(versions.items.map((v) => v.version)).toEqual([2, 1]);

    const [a] = computers as [string];
    const job = await api('POST', '/api/v1/commands', {
      targets: { computerIds: [a] },
      kind: 'script',
      scriptId: script.id,
      version: 1,
      params: { DIR: "/tmp/it's here" },
    });
    expect(job.status).toBe(201);
    expect(job.body).toMatchObject({
      kind: 'script',
      command: 'script: Clean temp v1',
      script: { id: script.id, name: 'Clean temp', version: 1, params: { DIR: "/tmp/it's here" } },
    });
    for (const [body, why] of [
      [{ scriptId: script.id, params: {} }, /params\.DIR: required/],
      [{ scriptId: script.id, params: { DIR: 'x', OTHER: 'y' } }, /params\.OTHER/],
      [{ scriptId: script.id, version: 9, params: { DIR: 'x' } }, /version/],
      [{ scriptId: 'nope', params: {} }, /scriptId/],
    ] as const) {
      const res = await api('POST', '/api/v1/commands', {
        targets: { computerIds: [a] },
        kind: 'script',
        ...body,
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(why);
    }
    // Re-run repeats the same version with the same values, whatever the library holds now.
    const again = await api('POST', `/api/v1/commands/${(job.body as { id: string }).id}/rerun`);
    expect(again.body).toMatchObject({ script: { version: 1, params: { DIR: "/tmp/it's here" } } });

    expect((await api('DELETE', `/api/v1/scripts/${script.id}`)).status).toBe(204);
    expect((await api('GET', `/api/v1/scripts/${script.id}`)).status).toBe(404);
    const audit = (await api('GET', '/api/v1/audit?target=' + script.id)).body as {
      items: { action: string }[];
    };
    expect(audit.items.map((i) => i.action).sort()).toEqual([
      'script.create',
      'script.delete',
      'script.update',
      'script.update',
    ]);
  });

  it('filters the history by kind and by text in what was sent', async () => {
    const [a] = computers as [string];
    const send = async (body: Record<string, unknown>) =>
      (
        (await api('POST', '/api/v1/commands', { targets: { computerIds: [a] }, ...body }))
          .body as CommandDetail
      ).id;
    const odd = await send({ kind: 'shell', command: 'echo "Quoted_100%" done' });
    const notice = await send({ kind: 'message', title: 'Lab Closing', text: 'Save your work' });
    const list = async (query: string) =>
      ((await api('GET', `/api/v1/commands?${query}`)).body as CommandList).items.map((i) => i.id);

    expect(await list('q=lab%20closing')).toEqual([notice]);
    expect(await list(`q=${encodeURIComponent('"quoted_100%"')}`)).toEqual([odd]);
    // LIKE's wildcards are matched literally.
    expect(await list('q=quoted%5F100')).toEqual([odd]);
    expect(await list('q=quoted_1000')).toEqual([]);
    const messages = await list('kind=message');
    expect(messages).toContain(notice);
    expect(messages).not.toContain(odd);
    expect(await list('kind=shell&q=save%20your')).toEqual([]);
    expect((await api('GET', '/api/v1/commands?kind=launch')).status).toBe(400);
  });

  it('closes runs whose result can no longer come', async () => {
    const [a] = computers as [string];
    const job = (
      await api('POST', '/api/v1/commands', {
        targets: { computerIds: [a] },
        kind: 'exec',
        argv: ['/bin/sleep', '1'],
      })
    ).body as CommandDetail;
    await server.ctx.db
      .updateTable('command_runs')
      .set({ status: 'running', deadline_at: Date.now() - 1 })
      .where('command_id', '=', job.id)
      .execute();
    await server.ctx.db.updateTable('commands').set({ finished_at: null }).where('id', '=', job.id).execute();
    expect(await server.ctx.commandService.sweep()).toBeGreaterThanOrEqual(1);
    const now = (await api('GET', `/api/v1/commands/${job.id}`)).body as CommandDetail;
    expect(now.runs[0]).toMatchObject({ status: 'lost', message: expect.stringMatching(/no result/) });
    expect(now.status).toBe('completed');
  });
});
