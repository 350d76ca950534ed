import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandServiceOptions } from './command-service.js';
import {
  createTestSigner,
  execCommand,
  type FrameLog,
  goneWithin,
  isAlive,
  shellCommand,
  signedFrame,
  TestServices,
} from './testing.js';

const signer = createTestSigner();
let stateDir: string;
let frames: FrameLog;
const services = new TestServices(signer);
const service = (options?: Partial<CommandServiceOptions>) => services.create(options);

beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'labmgr-commands-'));
  services.reset(stateDir);
  frames = services.frames;
});
afterEach(async () => {
  await services.closeAll();
  await rm(stateDir, { recursive: true, force: true });
});

describe('CommandService: running commands', { timeout: 20_000 }, () => {
  it('runs a shell script: started, output, succeeded with timings', async () => {
    const command = shellCommand('echo hello; echo "id=$LABMGR_COMMAND_ID"');
    service().handle(signedFrame(signer, command));
    const result = await frames.result(command.id);
    expect(result).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      signal: null,
      truncated: false,
      message: null,
    });
    expect(frames.output(command.id)).toBe(`hello\nid=${command.id}\n`);
    const started = frames.frames.findIndex((f) => f.type === 'command-started');
    expect(started).toBe(0);
    expect(result.startedAt).not.toBeNull();
    expect(result.finishedAt).toBeGreaterThanOrEqual(result.startedAt ?? Number.POSITIVE_INFINITY);
    expect(result.durationMs).toBe(result.finishedAt - (result.startedAt ?? 0));
  });

  it('reports a non-zero exit code as failed, and stderr on its own stream', async () => {
    const command = shellCommand('echo oops >&2; exit 3', { shell: 'bash' });
    service().handle(signedFrame(signer, command));
    expect(await frames.result(command.id)).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(frames.output(command.id, 'stderr')).toBe('oops\n');
    expect(frames.output(command.id, 'stdout')).toBe('');
  });

  it('execs argv without a shell and without the agent environment', async () => {
    process.env.LABMGR_TEST_SECRET = 'do-not-leak';
    const script = 'process.stdout.write(process.argv[1] + "|" + (process.env.LABMGR_TEST_SECRET ?? "none"))';
    const command = execCommand([process.execPath, '-e', script, 'a b;$(echo c)']);
    service().handle(signedFrame(signer, command));
    expect(await frames.result(command.id)).toMatchObject({ status: 'succeeded' });
    expect(frames.output(command.id)).toBe('a b;$(echo c)|none');
    delete process.env.LABMGR_TEST_SECRET;
  });

  it('reports a missing program as error, never started', async () => {
    const command = execCommand(['/nonexistent/labmgr-program', '--x']);
    service().handle(signedFrame(signer, command));
    const result = await frames.result(command.id);
    expect(result).toMatchObject({ status: 'error', startedAt: null, exitCode: null });
    expect(result.message).toContain('program not found: /nonexistent/labmgr-program');
    expect(frames.count('command-started', command.id)).toBe(0);
  });

  it('kills the whole process tree on timeout (a child of a child)', async () => {
    const command = shellCommand(`echo $$; sh -c 'sleep 300 & echo $!; sleep 300'`, { timeoutSec: 1 });
    service().handle(signedFrame(signer, command));
    const result = await frames.result(command.id);
    expect(result.status).toBe('timed_out');
    expect(result.message).toContain('timed out after 1 s');
    const pids = frames.output(command.id).trim().split('\n').map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await goneWithin(pid)).toBe(true);
  });

  it('escalates to SIGKILL when the tree ignores SIGTERM', async () => {
    const command = shellCommand(`trap '' TERM; sleep 300 & echo $!; wait`, { timeoutSec: 1 });
    service().handle(signedFrame(signer, command));
    expect(await frames.result(command.id)).toMatchObject({ status: 'timed_out', signal: 'SIGKILL' });
    expect(await goneWithin(Number(frames.output(command.id).trim()))).toBe(true);
  });

  it('stops waiting for pipes held by a process that left the group', async () => {
    const command = shellCommand('setsid sleep 300 & echo $!; sleep 300', { timeoutSec: 1 });
    service().handle(signedFrame(signer, command));
    try {
      expect(await frames.result(command.id)).toMatchObject({ status: 'timed_out' });
    } finally {
      const escaped = Number(frames.output(command.id).trim());
      if (escaped > 0 && isAlive(escaped)) process.kill(escaped, 'SIGKILL');
    }
  });

  it('cancels a running command and kills its tree', async () => {
    const command = shellCommand('sleep 300 & echo $!; wait');
    const commands = service();
    commands.handle(signedFrame(signer, command));
    await frames.waitFor((f) => f.type === 'command-output' && f.commandId === command.id);
    commands.cancel(command.id);
    expect(await frames.result(command.id)).toMatchObject({ status: 'cancelled' });
    expect(await goneWithin(Number(frames.output(command.id).trim()))).toBe(true);
  });

  it('caps output and flags it truncated, still waiting for the process to end', async () => {
    const command = shellCommand("head -c 200000 /dev/zero | tr '\\0' a; echo done >&2");
    service({ outputCapBytes: 1000 }).handle(signedFrame(signer, command));
    const result = await frames.result(command.id);
    expect(result).toMatchObject({ status: 'succeeded', truncated: true });
    expect(frames.output(command.id)).toBe('a'.repeat(1000));
    expect(frames.output(command.id, 'stderr')).toBe('');
  });

  it('keeps multibyte characters intact across chunks', async () => {
    const piece = 'é€😀ab';
    const count = 20_000;
    const script = `process.stdout.write(${JSON.stringify(piece)}.repeat(${count}))`;
    const command = execCommand([process.execPath, '-e', script]);
    service().handle(signedFrame(signer, command));
    expect(await frames.result(command.id)).toMatchObject({ status: 'succeeded', truncated: false });
    expect(frames.output(command.id)).toBe(piece.repeat(count));
    const chunks = frames.frames.filter((f) => f.type === 'command-output');
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((f) => (f.type === 'command-output' ? f.seq : -1))).toEqual(chunks.map((_, i) => i));
  });

  it('runs at most maxConcurrent at once, queues a few, refuses beyond with "agent busy"', async () => {
    const commands = service({ maxConcurrent: 2, maxQueued: 1 });
    const [a, b, c, d] = [1, 2, 3, 4].map(() => shellCommand('sleep 300'));
    if (!a || !b || !c || !d) throw new Error('unreachable');
    for (const command of [a, b, c, d]) commands.handle(signedFrame(signer, command));
    await Promise.all([frames.started(a.id), frames.started(b.id)]);
    const busy = await frames.result(d.id);
    expect(busy).toMatchObject({ status: 'refused' });
    expect(busy.message).toContain('agent busy');
    expect(frames.count('command-started', c.id)).toBe(0);
    commands.cancel(a.id);
    await frames.started(c.id);
    commands.cancel(c.id);
    expect(await frames.result(c.id)).toMatchObject({ status: 'cancelled' });
  });

  it('cancels a queued command before it starts', async () => {
    const commands = service({ maxConcurrent: 1 });
    const [running, queued] = [shellCommand('sleep 300'), shellCommand('echo never')];
    commands.handle(signedFrame(signer, running));
    commands.handle(signedFrame(signer, queued));
    await frames.started(running.id);
    commands.cancel(queued.id);
    expect(await frames.result(queued.id)).toMatchObject({ status: 'cancelled', startedAt: null });
    expect(frames.count('command-started', queued.id)).toBe(0);
  });

  it('close() kills running commands and reports them failed', async () => {
    const command = shellCommand('sleep 300');
    const commands = service();
    commands.handle(signedFrame(signer, command));
    await frames.started(command.id);
    await commands.close();
    const result = await frames.result(command.id);
    expect(result.status).toBe('failed');
    expect(result.message).toContain('agent shut down');
  });

  const root = userInfo().uid === 0;
  it.runIf(root)('runs as another local user when the agent is root', async () => {
    const command = shellCommand('id -un; pwd', { runAs: 'nobody' });
    service().handle(signedFrame(signer, command));
    expect(await frames.result(command.id)).toMatchObject({ status: 'succeeded' });
    expect(frames.output(command.id)).toBe('nobody\n/\n');
  });

  it('refuses runAs of an unknown user, or of anyone when not root', async () => {
    const command = shellCommand('id -un', { runAs: 'labmgr-no-such-user' });
    service().handle(signedFrame(signer, command));
    const result = await frames.result(command.id);
    expect(result.status).toBe('refused');
    expect(result.message).toMatch(
      root ? /no local user "labmgr-no-such-user"/ : /needs the agent to run as root/,
    );
  });
});
