import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandFrame } from '@labmgr/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandServiceOptions } from './command-service.js';
import { parsePolicy } from './policy.js';
import {
  createTestSigner,
  execCommand,
  type FrameLog,
  shellCommand,
  signedFrame,
  TestServices,
} from './testing.js';

const signer = createTestSigner();
const intruder = createTestSigner();
let dir: string;
let frames: FrameLog;
const services = new TestServices(signer);
const service = (options?: Partial<CommandServiceOptions>) => services.create(options);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-commands-sec-'));
  services.reset(join(dir, 'state'));
  frames = services.frames;
});
afterEach(async () => {
  await services.closeAll();
  await rm(dir, { recursive: true, force: true });
});

describe('CommandService: nothing runs unless authentic, fresh and allowed', { timeout: 20_000 }, () => {
  const marker = () => join(dir, 'marker');
  const touch = () => shellCommand(`touch ${marker()}`);
  const now = Date.now();

  const cases: [string, () => CommandFrame, RegExp, Partial<CommandServiceOptions>?][] = [
    ['a forged signature', () => signedFrame(intruder, touch()), /invalid command signature/],
    [
      'a command altered after signing',
      () => {
        const frame = signedFrame(signer, touch());
        return { ...frame, command: { ...frame.command, timeoutSec: 61 } };
      },
      /invalid command signature/,
    ],
    [
      'a malformed signature',
      () => ({ ...signedFrame(signer, touch()), signature: 'bm9wZQ==' }),
      /malformed/,
    ],
    [
      'another computer',
      () => signedFrame(signer, { ...touch(), computerId: '11111111-2222-4333-8444-555555555555' }),
      /command is for computer 11111111/,
    ],
    [
      'an expired command',
      () => signedFrame(signer, { ...touch(), issuedAt: now - 120_000, expiresAt: now - 60_000 }),
      /command expired at/,
    ],
    [
      'a command issued too far in the future',
      () => signedFrame(signer, { ...touch(), issuedAt: now + 600_000, expiresAt: now + 700_000 }),
      /ahead of the agent clock/,
    ],
    [
      'no pinned key',
      () => signedFrame(signer, touch()),
      /no command-signing key pinned: re-enroll with a server that signs commands/,
      { commandPublicKey: null },
    ],
    [
      'a pinned key that is not Ed25519',
      () => signedFrame(signer, touch()),
      /not ed25519/,
      {
        commandPublicKey: generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .publicKey.export({ type: 'spki', format: 'pem' })
          .toString(),
      },
    ],
    [
      'a shell command when the policy denies shell',
      () => signedFrame(signer, touch()),
      /^refused by local policy: shell commands are denied$/,
      { policy: parsePolicy({ shell: 'deny' }, 'test') },
    ],
    [
      'a program outside the exec allow-list',
      () => signedFrame(signer, execCommand(['/usr/bin/touch', marker()])),
      /^refused by local policy: \/usr\/bin\/touch is not in the exec allow-list$/,
      { policy: parsePolicy({ exec: { allow: ['/usr/bin/uptime'] } }, 'test') },
    ],
    [
      'runAs when the policy denies it',
      () => signedFrame(signer, { ...touch(), runAs: 'root' }),
      /running as another user is denied/,
      { policy: parsePolicy({ runAs: 'deny' }, 'test') },
    ],
  ];

  it.each(cases)('refuses %s and never runs it', async (_name, makeFrame, reason, options) => {
    const frame = makeFrame();
    service(options).handle(frame);
    const result = await frames.result(frame.command.id);
    expect(result).toMatchObject({ status: 'refused', startedAt: null, exitCode: null });
    expect(result.message).toMatch(reason);
    expect(frames.count('command-started', frame.command.id)).toBe(0);
    expect(existsSync(marker())).toBe(false);
  });

  it('lets an allow-listed program run', async () => {
    const command = execCommand([process.execPath, '-e', 'console.log("ok")']);
    service({ policy: parsePolicy({ shell: 'deny', exec: { allow: [process.execPath] } }, 'test') }).handle(
      signedFrame(signer, command),
    );
    expect(await frames.result(command.id)).toMatchObject({ status: 'succeeded' });
  });

  it('does not let a forged frame claim an id: the genuine one still runs', async () => {
    const command = touch();
    const commands = service();
    commands.handle(signedFrame(intruder, command));
    expect(await frames.result(command.id)).toMatchObject({ status: 'refused' });
    commands.handle(signedFrame(signer, command));
    expect(await frames.result(command.id, 2)).toMatchObject({ status: 'succeeded' });
    expect(existsSync(marker())).toBe(true);
  });
});

describe('CommandService: at most once', { timeout: 20_000 }, () => {
  const counter = () => join(dir, 'runs');
  const countRuns = async () => (await readFile(counter(), 'utf8')).split('\n').filter(Boolean).length;

  it('runs a duplicate delivery once and re-sends the stored result, also after a restart', async () => {
    const command = shellCommand(`echo run >> ${counter()}; echo out`);
    const frame = signedFrame(signer, command);
    const first = service();
    first.handle(frame);
    first.handle(frame); // while it is running (or about to): ignored
    const result = await frames.result(command.id);
    first.handle(frame); // finished: the same result again
    expect(await frames.result(command.id, 2)).toEqual(result);
    await first.close();

    const second = service();
    second.handle(frame);
    expect(await frames.result(command.id, 3)).toEqual(result);
    expect(await countRuns()).toBe(1);
    expect(frames.count('command-started', command.id)).toBe(1);
    expect(frames.count('command-result', command.id)).toBe(3);
  });

  it('never re-runs a command that was running when the agent died', async () => {
    const command = shellCommand(`echo run >> ${counter()}; sleep 300`);
    const frame = signedFrame(signer, command);
    const dying = service();
    dying.handle(frame);
    await frames.started(command.id);
    // A second service on the same state dir sees what a restarted agent would: "started", no result.
    const restarted = service();
    restarted.handle(frame);
    const result = await frames.result(command.id);
    expect(result).toMatchObject({ status: 'failed', message: 'agent restarted while the command ran' });
    expect(result.startedAt).not.toBeNull();
    restarted.handle(frame);
    expect(await frames.result(command.id, 2)).toEqual(result);
    expect(await countRuns()).toBe(1);
  });

  it('records refusals too: a re-delivery gets the same refusal', async () => {
    const command = shellCommand('true');
    const frame = signedFrame(signer, command);
    service({ policy: parsePolicy({ shell: 'deny' }, 'test') }).handle(frame);
    const refused = await frames.result(command.id);
    service().handle(frame); // policy now allows it, but this id has its answer
    expect(await frames.result(command.id, 2)).toEqual(refused);
  });
});
