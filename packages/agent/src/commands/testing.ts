/**
 * Test support (no test framework imported, so integration tests can use it
 * too): signs commands the way the backend does and records what the agent
 * sends back. Not exported from the package entry.
 */
import { sign as edSign, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type CommandFrame,
  type CommandRequest,
  type CommandResultFrame,
  canonicalCommandBytes,
  type ExecCommand,
  type ShellCommand,
} from '@labmgr/protocol';
import { silentLogger } from '../logging/logger.js';
import { type CommandEventFrame, CommandService, type CommandServiceOptions } from './command-service.js';
import { ALLOW_ALL_POLICY } from './policy.js';

export const TEST_COMPUTER_ID = '0b4c8a3e-5f0e-4e7a-9b2d-1c3d4e5f6a7b';

export interface TestSigner {
  readonly publicKeyPem: string;
  sign(command: CommandRequest): string;
}

/** A fresh Ed25519 key pair, as the backend keeps one. */
export function createTestSigner(): TestSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (command) => signWith(privateKey, command),
  };
}

function signWith(key: KeyObject, command: CommandRequest): string {
  return edSign(null, canonicalCommandBytes(command), key).toString('base64');
}

const base = () => {
  const now = Date.now();
  return {
    id: randomUUID(),
    computerId: TEST_COMPUTER_ID,
    timeoutSec: 60,
    runAs: null,
    issuedAt: now,
    expiresAt: now + 60_000,
  };
};

export function shellCommand(script: string, overrides: Partial<ShellCommand> = {}): ShellCommand {
  return { ...base(), kind: 'shell', shell: 'sh', script, ...overrides };
}

export function execCommand(argv: string[], overrides: Partial<ExecCommand> = {}): ExecCommand {
  return { ...base(), kind: 'exec', argv, ...overrides };
}

export function signedFrame(signer: TestSigner, command: CommandRequest): CommandFrame {
  return { type: 'command', command, signature: signer.sign(command) };
}

/** Collects frames the agent sends; `waitFor` resolves on the first match, past or future. */
export class FrameLog {
  readonly frames: CommandEventFrame[] = [];
  private waiters: {
    match: (frame: CommandEventFrame) => boolean;
    resolve: (frame: CommandEventFrame) => void;
  }[] = [];

  readonly send = (frame: CommandEventFrame): void => {
    this.frames.push(frame);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.match(frame)) return true;
      waiter.resolve(frame);
      return false;
    });
  };

  waitFor(match: (frame: CommandEventFrame) => boolean, timeoutMs = 10_000): Promise<CommandEventFrame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching frame within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  async result(commandId: string, nth = 1): Promise<CommandResultFrame> {
    let count = 0;
    const frame = await this.waitFor(
      (f) => f.type === 'command-result' && f.commandId === commandId && ++count >= nth,
    );
    if (frame.type !== 'command-result') throw new Error('unreachable');
    return frame;
  }

  started(commandId: string): Promise<CommandEventFrame> {
    return this.waitFor((f) => f.type === 'command-started' && f.commandId === commandId);
  }

  /** Everything sent on one stream, in `seq` order. */
  output(commandId: string, stream: 'stdout' | 'stderr' = 'stdout'): string {
    return this.frames
      .flatMap((f) =>
        f.type === 'command-output' && f.commandId === commandId && f.stream === stream ? [f] : [],
      )
      .sort((a, b) => a.seq - b.seq)
      .map((f) => f.data)
      .join('');
  }

  count(type: CommandEventFrame['type'], commandId: string): number {
    return this.frames.filter((f) => f.type === type && f.commandId === commandId).length;
  }
}

/**
 * Waits (up to `withinMs`) for a process to be gone. A killed process closes
 * its pipes early in its exit, so the command's result can arrive a moment
 * before the kernel shows it dead: a tree that was not killed stays alive for
 * the whole wait and fails the check.
 */
export async function goneWithin(pid: number, withinMs = 2000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Alive and not a zombie (a killed orphan may wait for a reaper that never comes in a container). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * Creates services that trust `signer`, allow everything and report into a
 * fresh `FrameLog`, and closes them all at the end of a test.
 *
 * @example
 * const services = new TestServices(signer);
 * beforeEach(async () => services.reset(await mkdtemp(join(tmpdir(), 'x-'))));
 * afterEach(() => services.closeAll());
 */
export class TestServices {
  frames = new FrameLog();
  private stateDir = '';
  private readonly created: CommandService[] = [];

  constructor(private readonly signer: TestSigner) {}

  /** Starts a test: services created from now on keep their journal in `stateDir`. */
  reset(stateDir: string): void {
    this.stateDir = stateDir;
    this.frames = new FrameLog();
  }

  create(options: Partial<CommandServiceOptions> = {}): CommandService {
    const created = new CommandService({
      stateDir: this.stateDir,
      computerId: TEST_COMPUTER_ID,
      commandPublicKey: this.signer.publicKeyPem,
      policy: ALLOW_ALL_POLICY,
      send: this.frames.send,
      logger: silentLogger(),
      killGraceMs: 500,
      ...options,
    });
    this.created.push(created);
    return created;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.created.splice(0).map((s) => s.close()));
  }
}
