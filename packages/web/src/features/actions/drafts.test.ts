import type { Script } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { commandCreate, draftProblem, guessShell, initialDraft, type ScriptDraft } from './drafts.js';

const script: Script = {
  id: 's1',
  name: 'Clean temp',
  description: '',
  targetOs: 'linux',
  version: 3,
  shell: 'sh',
  body: 'rm -rf "$DIR"/*',
  parameters: [
    { name: 'DIR', label: 'Folder', default: '/tmp/x', required: true },
    { name: 'AGE', label: null, default: null, required: true },
  ],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('draftProblem', () => {
  it('wants a command, a script and its required values', () => {
    expect(draftProblem(initialDraft('shell'), undefined)).toBe('Type the command to run.');
    expect(draftProblem(initialDraft('script'), undefined)).toBe('Choose a script from the library.');
    const draft: ScriptDraft = { ...(initialDraft('script', { scriptId: 's1' }) as ScriptDraft) };
    expect(draftProblem(draft, script)).toBe('Give a value for AGE.');
    expect(draftProblem({ ...draft, params: { AGE: '7' } }, script)).toBeNull();
  });

  it('checks the ranges the API accepts', () => {
    expect(draftProblem({ kind: 'wake', port: 0 }, undefined)).toMatch(/port/);
    expect(draftProblem({ kind: 'power', action: 'reboot', delayMin: -1, message: '' }, undefined)).toMatch(
      /delay/,
    );
  });
});

describe('commandCreate', () => {
  it('sends a script at its version with every parameter, defaults filled', () => {
    const draft = { ...(initialDraft('script', { scriptId: 's1' }) as ScriptDraft), params: { AGE: '7' } };
    const body = commandCreate(draft, { type: 'lab', labId: 'r101', name: 'Room 101' }, script);
    expect(body).toMatchObject({
      kind: 'script',
      scriptId: 's1',
      version: 3,
      params: { DIR: '/tmp/x', AGE: '7' },
      targets: { labId: 'r101' },
      runAs: null,
    });
  });

  it('turns minutes into seconds and an empty notice into none', () => {
    const body = commandCreate(
      { kind: 'power', action: 'shutdown', delayMin: 5, message: '  ' },
      { type: 'allOnline' },
    );
    expect(body).toMatchObject({ kind: 'power', delaySec: 300, message: null, targets: { allOnline: true } });
  });

  it('targets explicit computers by id', () => {
    const body = commandCreate(
      { kind: 'shell', command: 'echo hi', shell: 'bash', timeoutSec: 30, runAs: ' student ' },
      { type: 'computers', computers: [{ id: 'c1', name: 'pc-01' }] },
    );
    expect(body).toMatchObject({ targets: { computerIds: ['c1'] }, shell: 'bash', runAs: 'student' });
  });
});

describe('guessShell', () => {
  const fleet = [
    { id: 'w', labId: 'l', tags: [], osName: 'Microsoft Windows 11 Pro', status: 'online' },
    { id: 'u', labId: null, tags: [], osName: 'Ubuntu 24.04', status: 'online' },
  ];
  it('picks PowerShell only when every target runs Windows', () => {
    expect(guessShell({ type: 'computers', computers: [{ id: 'w', name: 'w' }] }, fleet)).toBe('powershell');
    expect(guessShell({ type: 'lab', labId: 'l', name: 'L' }, fleet)).toBe('powershell');
    expect(guessShell({ type: 'allOnline' }, fleet)).toBe('sh');
    expect(guessShell(null, fleet)).toBe('sh');
  });
});
