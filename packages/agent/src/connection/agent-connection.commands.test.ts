import type {
  AgentFrame,
  CommandFrame,
  CommandResultFrame,
  MetricsFrame,
  RelayFrame,
} from '@labmgr/protocol';
import { fixtures } from '@labmgr/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionHarness } from '../../test/connection-harness.js';
import { FakeRelay } from '../../test/fake-relay.js';
import { COMMANDS_DISABLED_MESSAGE } from '../handlers/command.handler.js';
import type { CommandExecutor } from '../handlers/context.js';
import type { AgentConnection } from './agent-connection.js';

const COMMAND_ID = '0b8f8f3a-3f6e-4c55-9d8e-0a1b2c3d4e5f';
const commandFrame: CommandFrame = {
  type: 'command',
  command: fixtures.command({ id: COMMAND_ID, computerId: '0b4c8a3e-5f0e-4e7a-9b2d-1c3d4e5f6a7b' }),
  signature: 'c2ln',
};
const isResult = (f: AgentFrame): f is CommandResultFrame => f.type === 'command-result';
const isMetrics = (f: AgentFrame): f is MetricsFrame => f.type === 'metrics';

let relay: FakeRelay;
let conn: AgentConnection | undefined;
beforeEach(async () => {
  relay = await FakeRelay.start();
});
afterEach(async () => {
  await conn?.stop();
  conn = undefined;
  await relay.close();
});

function setup(commands?: CommandExecutor) {
  const harness = connectionHarness(relay, { capacity: 10, overrides: commands ? { commands } : {} });
  conn = harness.connection;
  return harness;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function ready(connection: AgentConnection) {
  connection.start();
  const side = await relay.connection(0);
  await side.frames(1);
  side.welcome();
  await side.frames(2);
  return side;
}

describe('command frames', () => {
  it('refuses commands and cancels when no executor is installed', async () => {
    const { connection } = setup();
    const side = await ready(connection);
    side.send(commandFrame);
    side.send({ type: 'cancel', commandId: COMMAND_ID } satisfies RelayFrame);
    await until(() => side.received.filter(isResult).length === 2);
    for (const result of side.received.filter(isResult)) {
      expect(result).toMatchObject({
        commandId: COMMAND_ID,
        status: 'refused',
        exitCode: null,
        startedAt: null,
        message: COMMANDS_DISABLED_MESSAGE,
      });
    }
    expect(side.invalid).toEqual([]);
  });

  it('hands commands and cancels to the executor', async () => {
    const handled: CommandFrame[] = [];
    const cancelled: string[] = [];
    const { connection } = setup({ handle: (f) => handled.push(f), cancel: (id) => cancelled.push(id) });
    const side = await ready(connection);
    side.send(commandFrame);
    side.send({ type: 'cancel', commandId: COMMAND_ID } satisfies RelayFrame);
    await until(() => cancelled.length === 1);
    expect(handled).toEqual([commandFrame]);
    expect(cancelled).toEqual([COMMAND_ID]);
    expect(side.received.some(isResult)).toBe(false);
  });

  it('ignores a command that arrives before welcome', async () => {
    const handled: CommandFrame[] = [];
    const { connection, logs } = setup({ handle: (f) => handled.push(f), cancel: () => undefined });
    connection.start();
    const side = await relay.connection(0);
    await side.frames(1);
    side.send(commandFrame);
    await until(() => logs.some((l) => l.includes('ignoring command received before welcome')));
    expect(handled).toEqual([]);
  });

  it('queues command frames while disconnected and sends them after the inventory, before the samples', async () => {
    const { connection, store } = setup();
    store.push(1, fixtures.sample(1));
    connection.sendCommandFrame({ type: 'command-started', commandId: COMMAND_ID, startedAt: 5 });
    connection.sendCommandFrame({
      type: 'command-output',
      commandId: COMMAND_ID,
      seq: 0,
      stream: 'stdout',
      data: 'hi\n',
    });
    expect(connection.status().queuedCommandFrames).toBe(2);
    const side = await ready(connection);
    const frames = await side.frames(5);
    expect(frames.map((f) => f.type)).toEqual([
      'hello',
      'inventory',
      'command-started',
      'command-output',
      'metrics',
    ]);
    expect(connection.status().queuedCommandFrames).toBe(0);
    // Once connected they go straight out.
    connection.sendCommandFrame({ type: 'command-started', commandId: COMMAND_ID, startedAt: 6 });
    await side.frames(6);
    expect(side.received.filter(isMetrics)).toHaveLength(1);
  });
});

describe('live-mode frames', () => {
  it('passes a valid live-mode on, and ignores a malformed one or one before welcome', async () => {
    const { connection, events, logs } = setup();
    connection.start();
    const side = await relay.connection(0);
    await side.frames(1);
    side.send({ type: 'live-mode', intervalMs: 1000, ttlSec: 60 } satisfies RelayFrame);
    side.welcome();
    await side.frames(2);
    side.send({ type: 'live-mode', intervalMs: 10, ttlSec: 60 });
    side.send({ type: 'live-mode', intervalMs: 1000 });
    side.send({ type: 'live-mode', intervalMs: 1000, ttlSec: 30 } satisfies RelayFrame);
    await until(() => events.some((e) => e.type === 'live-mode'));
    expect(events.filter((e) => e.type === 'live-mode')).toEqual([
      { type: 'live-mode', intervalMs: 1000, ttlSec: 30 },
    ]);
    expect(logs.some((l) => l.includes('ignoring live-mode received before welcome'))).toBe(true);
    expect(logs.filter((l) => l.includes('ignoring invalid frame from relay'))).toHaveLength(2);
    expect(connection.status().state).toBe('ready');
  });
});
