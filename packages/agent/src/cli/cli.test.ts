import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../../test/cli-io.js';
import { saveAgentState } from '../state/agent-state.js';
import { writeRunStatus } from '../state/run-status.js';
import { runCli } from './cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-agent-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const enrolled = {
  computerId: '0b4c8a3e-5f0e-4e7a-9b2d-1c3d4e5f6a7b',
  credential: 'secret',
  relayUrl: 'ws://127.0.0.1:8081/agent',
  serverCertFingerprint: null,
  commandPublicKey: null,
  serverUrl: 'http://127.0.0.1:8080',
  enrolledAt: '2024-05-01T10:00:00.000Z',
};

describe('argument errors', () => {
  it.each([
    [[], /missing command/],
    [['launch'], /unknown command "launch"/],
    [['run', '--bogus'], /Unknown option '--bogus'/],
    [['status', 'extra'], /Unexpected argument 'extra'/],
    [['enroll', '--token', 't'], /missing required option --server/],
    [['enroll', '--server', 'http://x'], /missing required option --token/],
    [['enroll', '--server'], /--server/],
    [['enroll', '--server', 'ftp://x', '--token', 't'], /http:\/\/ or https:\/\//],
    [['enroll', '--server', 'not a url', '--token', 't'], /must be a URL/],
    [['run', '--interval-ms', '100'], /--interval-ms must be a whole number/],
  ])('%j exits 2 with a message', async (argv, message) => {
    const c = captureIo();
    expect(await runCli(argv, c.io)).toBe(2);
    expect(c.stderr).toMatch(message);
    expect(c.stderr).toContain('Usage: labmgr-agent');
  });

  it('reports a bad LABMGR_AGENT_INTERVAL_MS', async () => {
    const c = captureIo({ LABMGR_AGENT_INTERVAL_MS: 'fast' });
    expect(await runCli(['run', '--state-dir', dir], c.io)).toBe(2);
    expect(c.stderr).toMatch(/LABMGR_AGENT_INTERVAL_MS/);
  });
});

describe('config file', () => {
  it('exits 2 naming the file and the unknown key', async () => {
    const file = join(dir, 'agent.json');
    await writeFile(file, JSON.stringify({ stateDir: dir, intervallMs: 1000 }));
    const c = captureIo({ LABMGR_AGENT_CONFIG: file });
    expect(await runCli(['status'], c.io)).toBe(2);
    expect(c.stderr).toContain(`config file ${file}: unknown key "intervallMs"`);
  });

  it('exits 2 for a bad value in the file, and when --config names a missing file', async () => {
    const file = join(dir, 'agent.json');
    await writeFile(file, JSON.stringify({ logFormat: 'xml' }));
    const c = captureIo();
    expect(await runCli(['run', '--config', file], c.io)).toBe(2);
    expect(c.stderr).toContain(`${file}: "logFormat" must be one of json, pretty (got "xml")`);
    const missing = captureIo();
    expect(await runCli(['status', '--config', join(dir, 'nope.json')], missing.io)).toBe(2);
    expect(missing.stderr).toMatch(/cannot read config file .*nope\.json \(ENOENT\)/);
  });

  it('takes the state dir from the config file', async () => {
    const file = join(dir, 'agent.json');
    await writeFile(file, JSON.stringify({ stateDir: 'state' }));
    const c = captureIo();
    expect(await runCli(['status', '--json', '--config', file], c.io)).toBe(2);
    expect(JSON.parse(c.stdout).stateDir).toBe(join(dir, 'state'));
  });
});

describe('help', () => {
  it.each([
    [['--help'], 'Usage: labmgr-agent <command>'],
    [['enroll', '--help'], 'Usage: labmgr-agent enroll'],
    [['run', '-h'], 'Usage: labmgr-agent run'],
    [['status', '--help'], 'Usage: labmgr-agent status'],
    [['install-service', '--help'], 'Usage: labmgr-agent install-service'],
    [['uninstall-service', '-h'], 'Usage: labmgr-agent uninstall-service'],
  ])('%j prints usage and exits 0', async (argv, text) => {
    const c = captureIo();
    expect(await runCli(argv, c.io)).toBe(0);
    expect(c.stdout).toContain(text);
  });
});

describe('run', () => {
  it('refuses to start when not enrolled, exit 2', async () => {
    const c = captureIo({ LABMGR_DATA_DIR: dir });
    expect(await runCli(['run'], c.io)).toBe(2);
    expect(c.stderr).toContain(`not enrolled: no agent state in ${join(dir, 'agent')}`);
  });
});

describe('status', () => {
  it('says not enrolled and exits 2', async () => {
    const c = captureIo();
    expect(await runCli(['status', '--state-dir', dir], c.io)).toBe(2);
    expect(c.stdout).toContain('enrolled:     no');
    const j = captureIo();
    expect(await runCli(['status', '--state-dir', dir, '--json'], j.io)).toBe(2);
    expect(JSON.parse(j.stdout)).toMatchObject({ enrolled: false, computerId: null, run: null });
  });

  it('shows the enrollment and the run process status', async () => {
    await saveAgentState(dir, enrolled);
    const now = Date.now();
    await writeRunStatus(dir, {
      pid: process.pid,
      startedAt: now - 60_000,
      updatedAt: now,
      state: 'ready',
      connected: true,
      relayUrl: enrolled.relayUrl,
      lastAckSeq: 41,
      lastAckAt: now - 1000,
      lastSeq: 42,
      bufferedSamples: 1,
      bufferedBytes: 4096,
      droppedSamples: 3,
      intervalMs: 5000,
      liveMode: { intervalMs: 1000, expiresAt: now + 60_000 },
      lastError: null,
    });
    const c = captureIo();
    expect(await runCli(['status', '--state-dir', dir], c.io)).toBe(0);
    expect(c.stdout).toContain(`computer id:  ${enrolled.computerId}`);
    expect(c.stdout).toContain(`relay:        ${enrolled.relayUrl}`);
    expect(c.stdout).toMatch(/agent: +running \(pid \d+/);
    expect(c.stdout).toContain('connected:    yes (ready)');
    expect(c.stdout).toContain('last ack:     41');
    expect(c.stdout).toContain('buffered:     1 samples (4.0 KiB) waiting for ack');
    expect(c.stdout).toContain('lost:         3 samples in total');
    expect(c.stdout).toContain('interval:     5000 ms');
    expect(c.stdout).toMatch(/live mode: +every 1000 ms until \d{4}-/);
    expect(c.stdout).toContain('certificate:  none (plain ws://)');

    const j = captureIo();
    expect(await runCli(['status', '--state-dir', dir, '--json'], j.io)).toBe(0);
    const json = JSON.parse(j.stdout);
    expect(json).toMatchObject({ enrolled: true, computerId: enrolled.computerId, running: true });
    expect(json.run).toMatchObject({
      connected: true,
      lastAckSeq: 41,
      bufferedSamples: 1,
      droppedSamples: 3,
    });
    expect(JSON.stringify(json)).not.toContain('secret');
  });

  it('reports a stale status as not running', async () => {
    await saveAgentState(dir, enrolled);
    await writeRunStatus(dir, {
      pid: process.pid,
      startedAt: 1,
      updatedAt: 2,
      state: 'waiting',
      connected: false,
      relayUrl: enrolled.relayUrl,
      lastAckSeq: null,
      lastAckAt: null,
      lastSeq: null,
      bufferedSamples: 0,
      bufferedBytes: 0,
      droppedSamples: 0,
      intervalMs: 5000,
      liveMode: null,
      lastError: 'cannot reach relay',
    });
    const c = captureIo();
    expect(await runCli(['status', '--state-dir', dir], c.io)).toBe(0);
    expect(c.stdout).toContain('agent:        not running');
    expect(c.stdout).toContain('live mode:    off');
    expect(c.stdout).toContain('last error:   cannot reach relay');
  });
});

describe('damaged files', () => {
  it('run refuses a damaged state file with exit 2', async () => {
    await writeFile(join(dir, 'state.json'), '{"computerId":');
    const c = captureIo();
    expect(await runCli(['run', '--state-dir', dir], c.io)).toBe(2);
    expect(c.stderr).toContain('is damaged; enroll the agent again');
  });

  it('status treats a damaged run status as no status', async () => {
    await saveAgentState(dir, enrolled);
    await writeFile(join(dir, 'status.json'), '{');
    const c = captureIo();
    expect(await runCli(['status', '--state-dir', dir], c.io)).toBe(0);
    expect(c.stdout).toContain('agent:        no status yet');
  });
});
