import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AgentFrame, CommandResultFrame } from '@labmgr/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSigner, shellCommand, signedFrame, TEST_COMPUTER_ID } from '../src/commands/testing.js';
import { saveAgentState } from '../src/state/agent-state.js';
import { FakeRelay, type RelaySide } from './fake-relay.js';

const BIN = resolve(import.meta.dirname, '../bin/labmgr-agent.js');

const isResult =
  (id: string) =>
  (f: AgentFrame): f is CommandResultFrame =>
    f.type === 'command-result' && f.commandId === id;

/**
 * The built `labmgr-agent run` process, wired end to end: the relay side is a
 * scripted WebSocket server, so this test can play a hostile relay too.
 */
describe('labmgr-agent run executes signed commands', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'labmgr-agent-run-'));
  const signer = createTestSigner();
  let relay: FakeRelay;
  let side: RelaySide;
  let agent: ReturnType<typeof spawn>;

  beforeAll(async () => {
    relay = await FakeRelay.start();
    await saveAgentState(stateDir, {
      computerId: TEST_COMPUTER_ID,
      credential: 'lma_test',
      relayUrl: relay.url,
      serverCertFingerprint: null,
      commandPublicKey: signer.publicKeyPem,
      serverUrl: 'http://127.0.0.1:9',
      enrolledAt: new Date().toISOString(),
    });
    const policy = join(stateDir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ exec: { allow: ['/bin/echo'] } }), { mode: 0o600 });
    agent = spawn(process.execPath, [BIN, 'run', '--state-dir', stateDir, '--policy', policy], {
      stdio: 'ignore',
    });
    side = await relay.connection(0);
    await side.frames(1);
    side.welcome(TEST_COMPUTER_ID);
  });

  afterAll(async () => {
    // Wait for the agent to finish writing its state before the directory goes.
    if (agent && agent.exitCode === null) {
      const exited = new Promise((r) => agent.once('exit', r));
      agent.kill('SIGTERM');
      await exited;
    }
    await relay?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('runs a signed shell command and streams its output and exit code', async () => {
    const command = shellCommand('echo hello from $LABMGR_COMMAND_ID; exit 3');
    side.send(signedFrame(signer, command));
    const result = await side.waitFor(isResult(command.id));
    expect(result).toMatchObject({ status: 'failed', exitCode: 3 });
    const output = side.received.filter((f) => f.type === 'command-output' && f.commandId === command.id);
    expect(output.map((f) => (f.type === 'command-output' ? f.data : '')).join('')).toBe(
      `hello from ${command.id}\n`,
    );
    expect(side.received.some((f) => f.type === 'command-started' && f.commandId === command.id)).toBe(true);
  });

  it('refuses a command a relay altered after signing, and never runs it', async () => {
    const marker = join(stateDir, 'altered-ran');
    const genuine = shellCommand('true');
    const frame = signedFrame(signer, genuine);
    side.send({ ...frame, command: { ...genuine, script: `touch ${marker}` } });
    const result = await side.waitFor(isResult(genuine.id));
    expect(result.status).toBe('refused');
    expect(result.message).toMatch(/signature/i);
    expect(existsSync(marker)).toBe(false);
  });

  it('runs a duplicate delivery once and answers with the stored result', async () => {
    const marker = join(stateDir, 'count');
    const command = shellCommand(`echo x >> ${marker}`);
    side.send(signedFrame(signer, command));
    const first = await side.waitFor(isResult(command.id));
    side.send(signedFrame(signer, command));
    await expect
      .poll(
        () => side.received.filter((f) => f.type === 'command-result' && f.commandId === command.id).length,
      )
      .toBe(2);
    expect(readFileSync(marker, 'utf8')).toBe('x\n');
    const results = side.received.filter((f) => f.type === 'command-result' && f.commandId === command.id);
    expect(results[1]).toEqual(first);
  });

  it('honours the local policy file', async () => {
    const command = { ...shellCommand('true'), kind: 'exec' as const, argv: ['/usr/bin/id'] };
    const { script: _s, shell: _sh, ...exec } = command;
    side.send(signedFrame(signer, exec));
    const result = await side.waitFor(isResult(exec.id));
    expect(result).toMatchObject({
      status: 'refused',
      message: expect.stringContaining('refused by local policy'),
    });
  });
});
