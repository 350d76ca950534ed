import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CommandDetail, type CommandRequest, canonicalCommandBytes } from '@labmgr/protocol';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiClient, eventually, type Proc, type System, startSystem, tempDir } from '../harness.js';
import { waitForStatus } from './agent-helpers.js';

/**
 * Commands end to end with real processes: the backend signs one run per
 * computer and sends them through the relay; three real agents run them and
 * their output and results come back the data path into the job's record.
 */
describe('commands: backend → relay → agents → results (real processes)', () => {
  let sys: System;
  const agents: { computerId: string; stateDir: string; proc: Proc }[] = [];
  let refusing: { computerId: string; proc: Proc };

  const run = (body: Record<string, unknown>) =>
    sys.api.json<CommandDetail>('POST', '/api/v1/commands', body);
  const job = (id: string) => sys.api.json<CommandDetail>('GET', `/api/v1/commands/${id}`);
  const finished = (id: string, timeoutMs = 20_000) =>
    eventually(
      async () => {
        const j = await job(id);
        return j.status === 'completed' ? j : undefined;
      },
      timeoutMs,
      `command ${id} to complete`,
    );
  const online = (computerId: string) => waitForStatus(sys, computerId);

  beforeAll(async () => {
    sys = await startSystem();
    await sys.startRelay();
    for (const name of ['cmd-a', 'cmd-b', 'cmd-c']) {
      const { stateDir, computerId } = await sys.enrollAgent(name);
      agents.push({ stateDir, computerId, proc: sys.startAgent(stateDir) });
    }
    const policy = join(tempDir(), 'policy.json');
    writeFileSync(policy, JSON.stringify({ shell: 'deny', power: 'deny' }));
    const r = await sys.enrollAgent('cmd-refusing');
    refusing = {
      computerId: r.computerId,
      proc: sys.startAgent(r.stateDir, { LABMGR_AGENT_POLICY: policy }),
    };
    for (const a of [...agents, refusing]) await online(a.computerId);
  }, 90_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it('runs a shell command on three computers and keeps each one’s output and exit code', async () => {
    const created = await run({
      targets: { computerIds: agents.map((a) => a.computerId) },
      kind: 'shell',
      command: 'echo "out $((20+22))"; echo "err" >&2; exit 3',
      timeoutSec: 30,
    });
    expect(created.runs).toHaveLength(3);
    const done = await finished(created.id);
    for (const r of done.runs) {
      expect(r).toMatchObject({
        status: 'failed',
        exitCode: 3,
        stdout: 'out 42\n',
        stderr: 'err\n',
        truncated: false,
      });
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(done.counts).toEqual({ failed: 3 });
    const ok = await finished(
      (await run({ targets: { computerIds: [agents[0]?.computerId] }, kind: 'shell', command: 'echo ok' }))
        .id,
    );
    expect(ok.runs[0]).toMatchObject({ status: 'succeeded', exitCode: 0, stdout: 'ok\n' });
  });

  it('runs a library script with its parameters as data, not code', async () => {
    const script = await sys.api.json<{ id: string }>('POST', '/api/v1/scripts', {
      name: 'Greet',
      body: 'printf "hello %s" "$WHO"',
      parameters: [{ name: 'WHO', required: true }],
    });
    const who = `$(echo pwned) 'quoted' "double" \`id\``;
    const done = await finished(
      (
        await run({
          targets: { computerIds: [agents[2]?.computerId] },
          kind: 'script',
          scriptId: script.id,
          params: { WHO: who },
        })
      ).id,
    );
    expect(done).toMatchObject({ kind: 'script', command: 'script: Greet v1' });
    expect(done.runs[0]).toMatchObject({ status: 'succeeded', stdout: `hello ${who}` });
  });

  it('streams each run’s state and output to a signed-in browser as it happens', async () => {
    const ws = new WebSocket(`${sys.backendUrl.replace('http', 'ws')}/api/v1/live`, {
      headers: { cookie: sys.api.cookieHeader, origin: sys.backendUrl },
    });
    const events: { type: string; commandId?: string; data?: string; run?: { status: string } }[] = [];
    // A frame is one event or an array of them.
    ws.on('message', (m) => events.push(...[JSON.parse(m.toString())].flat()));
    await new Promise((r) => ws.once('open', r));
    try {
      const created = await run({
        targets: { computerIds: [agents[1]?.computerId] },
        kind: 'shell',
        command: 'echo first; sleep 0.5; echo second',
      });
      await eventually(
        async () =>
          events.some(
            (e) => e.type === 'command.run' && e.commandId === created.id && e.run?.status === 'succeeded',
          ) || undefined,
        10_000,
        'the run’s final state pushed',
      );
      const mine = events.filter((e) => e.commandId === created.id);
      const output = mine
        .filter((e) => e.type === 'command.output')
        .map((e) => e.data)
        .join('');
      expect(output).toBe('first\nsecond\n');
      // The first line arrived while the command was still running.
      const firstOut = mine.findIndex((e) => e.type === 'command.output');
      const done = mine.findIndex((e) => e.type === 'command.run' && e.run?.status === 'succeeded');
      expect(firstOut).toBeLessThan(done);
      expect(mine.filter((e) => e.type === 'command.run').map((e) => e.run?.status)).toEqual(
        expect.arrayContaining(['running', 'succeeded']),
      );
    } finally {
      ws.close();
    }
  });

  it('runs a program without a shell (exec)', async () => {
    const done = await finished(
      (
        await run({
          targets: { computerIds: [agents[1]?.computerId] },
          kind: 'exec',
          argv: ['/bin/echo', 'a b', '$HOME'],
        })
      ).id,
    );
    expect(done.runs[0]).toMatchObject({ status: 'succeeded', stdout: 'a b $HOME\n' });
  });

  it('kills a command at its timeout', async () => {
    const done = await finished(
      (
        await run({
          targets: { computerIds: [agents[0]?.computerId] },
          kind: 'shell',
          command: 'sleep 30',
          timeoutSec: 1,
        })
      ).id,
    );
    expect(done.runs[0]?.status).toBe('timed_out');
  });

  it('cancels a running command', async () => {
    const created = await run({
      targets: { computerIds: [agents[2]?.computerId] },
      kind: 'shell',
      command: 'echo started; sleep 30',
      timeoutSec: 60,
    });
    await eventually(async () => (await job(created.id)).runs[0]?.status === 'running', 10_000, 'running');
    const res = await sys.api.request('POST', `/api/v1/commands/${created.id}/cancel`);
    expect(res.status).toBe(200);
    const done = await finished(created.id);
    expect(done.runs[0]).toMatchObject({ status: 'cancelled', stdout: 'started\n' });
  });

  it('reports a refusal by the computer’s local policy, and audits it as the agent’s own entry', async () => {
    const done = await finished(
      (await run({ targets: { computerIds: [refusing.computerId] }, kind: 'shell', command: 'echo never' }))
        .id,
    );
    expect(done.runs[0]?.status).toBe('refused');
    expect(done.runs[0]?.message).toMatch(/policy/i);
    expect(done.runs[0]?.stdout).toBe('');
    const audit = await sys.api.json<{
      items: { actorType: string; actorId: string; targetType: string; details: { commandId?: string } }[];
    }>('GET', '/api/v1/audit?action=command.refused_by_agent&limit=50');
    expect(audit.items.find((e) => e.details.commandId === done.id)).toMatchObject({
      actorType: 'agent',
      targetType: 'command_run',
      actorId: refusing.computerId,
      details: {
        commandId: done.id,
        computerId: refusing.computerId,
        reason: expect.stringMatching(/policy/i),
      },
    });
  });

  it('shows a message to the people logged in (wall), allowed where shell and power are not', async () => {
    const done = await finished(
      (
        await run({
          targets: { computerIds: [refusing.computerId] },
          kind: 'message',
          title: 'Lab closing',
          text: 'The lab closes in 10 minutes.',
        })
      ).id,
    );
    expect(done).toMatchObject({ kind: 'message', command: 'message: Lab closing' });
    expect(done.runs[0]).toMatchObject({ status: 'succeeded', exitCode: 0 });
  });

  it('refuses a power action the computer’s policy denies, and never runs it', async () => {
    const done = await finished(
      (
        await run({
          targets: { computerIds: [refusing.computerId] },
          kind: 'power',
          action: 'reboot',
          delaySec: 600,
          message: 'Rebooting for updates',
        })
      ).id,
    );
    expect(done).toMatchObject({ kind: 'power', command: 'reboot in 600 s: Rebooting for updates' });
    expect(done.runs[0]).toMatchObject({
      status: 'refused',
      message: 'refused by local policy: power actions (reboot) are denied',
    });
  });

  it('wakes a sleeping computer: an online agent sends its magic packets (received on loopback)', async () => {
    const { stateDir, computerId } = await sys.enrollAgent('cmd-sleeper');
    const proc = sys.startAgent(stateDir);
    const macs = await eventually(
      async () => {
        const c = await sys.api.json<{ inventory: { network: { mac: string | null }[] } | null }>(
          'GET',
          `/api/v1/computers/${computerId}`,
        );
        const found = (c.inventory?.network ?? []).flatMap((n) => (n.mac ? [n.mac.toLowerCase()] : []));
        return found.length > 0 ? found : undefined;
      },
      20_000,
      'the sleeper’s inventory with its MAC addresses',
    );
    await proc.stop();
    const listener = createSocket('udp4');
    const packets: Buffer[] = [];
    listener.on('message', (m) => packets.push(m));
    await new Promise<void>((r) => listener.bind(0, '127.0.0.1', r));
    const port = listener.address().port;
    const magic = (mac: string) =>
      Buffer.concat([
        Buffer.alloc(6, 0xff),
        ...Array(16).fill(Buffer.from(mac.replace(/:/g, ''), 'hex')),
      ]).toString('hex');
    try {
      const sender = agents[1]?.computerId;
      const viaSender = await finished(
        (
          await run({
            targets: { computerIds: [computerId] },
            kind: 'wake',
            via: sender,
            broadcast: '127.0.0.1',
            port,
          })
        ).id,
      );
      expect(viaSender.runs[0]).toMatchObject({ computerId, executorId: sender, status: 'succeeded' });
      expect(viaSender.runs[0]?.stdout).toContain(`sent to 127.0.0.1:${port}`);
      await eventually(async () => packets.length >= macs.length || undefined, 5000, 'the magic packets');
      expect(new Set(packets.map((p) => p.toString('hex')))).toEqual(new Set(macs.map(magic)));

      // Without `via`, a sender is picked among the online computers on the sleeper's subnet.
      packets.length = 0;
      const bySubnet = await finished(
        (await run({ targets: { computerIds: [computerId] }, kind: 'wake', broadcast: '127.0.0.1', port }))
          .id,
      );
      const online = [...agents.map((a) => a.computerId), refusing.computerId];
      expect(online).toContain(bySubnet.runs[0]?.executorId);
      expect(bySubnet.runs[0]?.status).toBe('succeeded');
      await eventually(
        async () => packets.length >= macs.length || undefined,
        5000,
        'the magic packets again',
      );
      expect(new Set(packets.map((p) => p.toString('hex')))).toEqual(new Set(macs.map(magic)));
    } finally {
      listener.close();
    }
    // A computer that never reported an inventory has no MAC to wake.
    const { computerId: blank } = await sys.enrollAgent('cmd-blank');
    const none = await finished(
      (await run({ targets: { computerIds: [blank] }, kind: 'wake', broadcast: '127.0.0.1', port })).id,
    );
    expect(none.runs[0]).toMatchObject({
      status: 'unreachable',
      message: expect.stringMatching(/no MAC address/),
    });
  });

  it('lets a command for an offline computer expire in the relay’s queue, with a clear status', async () => {
    const { stateDir, computerId } = await sys.enrollAgent('cmd-away');
    const proc = sys.startAgent(stateDir);
    await online(computerId);
    await proc.stop();
    await waitForStatus(sys, computerId, 'offline');
    const created = await run({
      targets: { computerIds: [computerId] },
      kind: 'shell',
      command: 'echo late',
      queueTtlSec: 2,
    });
    expect(created.runs[0]?.status).toBe('queued');
    const done = await finished(created.id, 20_000);
    expect(done.runs[0]).toMatchObject({ status: 'expired', stdout: '' });
    expect(done.runs[0]?.message).toMatch(/expired/);
  });

  it('refuses a command a hostile relay forged or altered, and runs the genuine one once', async () => {
    const target = agents[0];
    if (!target) throw new Error('no agent');
    // A command the backend issued, waiting in the relay's queue while its agent is away.
    await target.proc.stop();
    const created = await run({
      targets: { computerIds: [target.computerId] },
      kind: 'shell',
      command: 'echo genuine',
      queueTtlSec: 120,
    });
    const db = new Database(join(sys.dataDir, 'labmgr.sqlite'), { readonly: true });
    const runId = (
      db.prepare('select id, expires_at from command_runs where command_id = ?').get(created.id) as {
        id: string;
        expires_at: number;
      }
    ).id;
    db.close();
    const relay = sys.relayControl(sys.relayName ?? '');
    if (!relay) throw new Error('relay not registered');
    const inject = (frame: unknown) =>
      fetch(`${relay.controlUrl}/control/v1/agents/${target.computerId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${relay.controlToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messageId: randomUUID(), frame, ttlSec: 60, queueIfUnknown: true }),
      });
    const now = Date.now();
    const base: CommandRequest = {
      id: runId,
      computerId: target.computerId,
      timeoutSec: 10,
      runAs: null,
      issuedAt: now,
      expiresAt: now + 60_000,
      kind: 'shell',
      shell: 'sh',
      script: 'echo pwned',
    };
    // The relay tries, behind the genuine command it holds: a command signed with a key
    // the agent never pinned, one altered after signing (a fresh id, so the genuine one's
    // at-most-once record cannot be what stops it), and one with no valid signature at all.
    const { privateKey } = generateKeyPairSync('ed25519');
    const forged = sign(null, canonicalCommandBytes(base), privateKey).toString('base64');
    const other = { ...base, id: randomUUID(), script: 'echo genuine' };
    const genuineLooking = sign(null, canonicalCommandBytes(other), privateKey).toString('base64');
    for (const frame of [
      { type: 'command', command: base, signature: forged },
      { type: 'command', command: { ...other, script: 'echo pwned' }, signature: genuineLooking },
      { type: 'command', command: { ...base, id: randomUUID() }, signature: 'AAAA' },
    ])
      expect(((await (await inject(frame)).json()) as { status: string }).status).toBe('queued');
    target.proc = sys.startAgent(target.stateDir);
    const done = await finished(created.id, 30_000);
    // The genuine command ran, once; nothing the relay made up did.
    expect(done.runs[0]).toMatchObject({ status: 'succeeded', stdout: 'genuine\n' });
    // The two with ids of their own are refused for their signature; the one that reuses
    // the genuine id meets that command already running or done, and is not run again.
    await eventually(
      async () =>
        (target.proc.output.match(/"reason":"invalid command signature/g) ?? []).length === 2 || undefined,
      20_000,
      'the made-up commands refused',
    );
    expect(target.proc.output).not.toContain('pwned\n');
    expect(JSON.stringify(await job(created.id))).not.toContain('pwned');
    await online(target.computerId);
  });

  it('does not let a viewer run anything, and audits every command', async () => {
    await sys.api.json('POST', '/api/v1/users', {
      username: 'watcher',
      password: 'watcher password 1',
      role: 'viewer',
    });
    const viewer = new ApiClient(sys.backendUrl);
    await viewer.login('watcher', 'watcher password 1');
    const res = await viewer.request('POST', '/api/v1/commands', {
      targets: { computerIds: [agents[1]?.computerId] },
      kind: 'shell',
      command: 'echo no',
    });
    expect(res.status).toBe(403);
    expect((await viewer.request('GET', '/api/v1/commands')).status).toBe(200);
    const audit = await sys.api.json<{ items: { action: string }[] }>(
      'GET',
      '/api/v1/audit?action=command.create',
    );
    expect(audit.items.length).toBeGreaterThanOrEqual(6);
  });

  it('re-runs a past command and lists the job history with filters', async () => {
    const first = await finished(
      (await run({ targets: { computerIds: [agents[1]?.computerId] }, kind: 'shell', command: 'echo again' }))
        .id,
    );
    const res = await sys.api.request('POST', `/api/v1/commands/${first.id}/rerun`);
    expect(res.status).toBe(201);
    const second = (await res.json()) as CommandDetail;
    expect(second.rerunOf).toBe(first.id);
    expect((await finished(second.id)).runs[0]).toMatchObject({ status: 'succeeded', stdout: 'again\n' });
    const list = await sys.api.json<{ items: { id: string }[]; total: number }>(
      'GET',
      `/api/v1/commands?computerId=${agents[1]?.computerId}&status=completed`,
    );
    expect(list.items.map((i) => i.id)).toEqual(expect.arrayContaining([first.id, second.id]));
    const bad = await sys.api.request('POST', '/api/v1/commands', {
      targets: {},
      kind: 'shell',
      command: 'x',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/targets/);
  });
});
