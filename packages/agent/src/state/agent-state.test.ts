import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AgentState,
  loadAgentState,
  StateFileError,
  saveAgentState,
  stateFilePath,
} from './agent-state.js';
import { type RunStatus, readRunStatus, statusFilePath, writeRunStatus } from './run-status.js';

const state: AgentState = {
  computerId: '0b4c8a3e-5f0e-4e7a-9b2d-1c3d4e5f6a7b',
  credential: 'secret-credential',
  relayUrl: 'ws://127.0.0.1:8081/agent',
  serverCertFingerprint: null,
  commandPublicKey: null,
  serverUrl: 'http://127.0.0.1:8080',
  enrolledAt: '2024-05-01T10:00:00.000Z',
};

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'labmgr-agent-state-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('agent state file', () => {
  it('round-trips and is private: file 0600, directory 0700', async () => {
    const dir = join(root, 'nested', 'agent');
    await saveAgentState(dir, state);
    expect(await loadAgentState(dir)).toEqual(state);
    expect((await stat(stateFilePath(dir))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('tightens an existing directory and leaves no temporary files', async () => {
    await saveAgentState(root, state);
    await saveAgentState(root, { ...state, credential: 'rotated' });
    expect((await stat(root)).mode & 0o777).toBe(0o700);
    expect(await readdir(root)).toEqual(['state.json']);
    expect((await loadAgentState(root))?.credential).toBe('rotated');
  });

  it('returns null when not enrolled', async () => {
    expect(await loadAgentState(join(root, 'missing'))).toBeNull();
  });

  it.each([
    ['not JSON', '{'],
    ['missing credential', JSON.stringify({ ...state, credential: undefined })],
    ['bad computer id', JSON.stringify({ ...state, computerId: 'x' })],
  ])('rejects a damaged file (%s)', async (_name, text) => {
    await writeFile(stateFilePath(root), text);
    await expect(loadAgentState(root)).rejects.toThrow(StateFileError);
  });
});

describe('run status file', () => {
  const status: RunStatus = {
    pid: 42,
    startedAt: 1_700_000_000_000,
    updatedAt: 1_700_000_005_000,
    state: 'ready',
    connected: true,
    relayUrl: state.relayUrl,
    lastAckSeq: 17,
    lastAckAt: 1_700_000_004_000,
    lastSeq: 18,
    bufferedSamples: 1,
    bufferedBytes: 4000,
    droppedSamples: 0,
    intervalMs: 5000,
    liveMode: { intervalMs: 1000, expiresAt: 1_700_000_065_000 },
    lastError: null,
  };

  it('round-trips', async () => {
    await writeRunStatus(root, status);
    expect(await readRunStatus(root)).toEqual(status);
  });

  it('reads a missing or malformed file as null', async () => {
    expect(await readRunStatus(root)).toBeNull();
    await writeFile(statusFilePath(root), JSON.stringify({ ...status, bufferedSamples: -1 }));
    expect(await readRunStatus(root)).toBeNull();
    await writeFile(statusFilePath(root), JSON.stringify({ ...status, liveMode: { intervalMs: 'fast' } }));
    expect(await readRunStatus(root)).toBeNull();
  });
});
