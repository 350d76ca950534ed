import type { Script } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { EMPTY_SCRIPT, scriptCreate, scriptFormErrors, scriptToForm, scriptUpdate } from './script-form.js';

const script: Script = {
  id: 's1',
  name: 'Clean temp',
  description: 'Empties a folder',
  targetOs: 'linux',
  version: 2,
  shell: 'sh',
  body: 'rm -rf "$DIR"/*',
  parameters: [{ name: 'DIR', label: 'Folder', default: '/tmp/x', required: true }],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('scriptFormErrors', () => {
  it('wants a name, a body and variable names, each once', () => {
    expect(scriptFormErrors(EMPTY_SCRIPT)).toMatchObject({
      name: expect.any(String),
      body: expect.any(String),
    });
    const form = {
      ...EMPTY_SCRIPT,
      name: 'x',
      body: 'echo',
      parameters: [
        { key: 'a', name: '1bad', label: '', default: '', required: false },
        { key: 'b', name: 'OK', label: '', default: '', required: false },
        { key: 'c', name: 'OK', label: '', default: '', required: false },
      ],
    };
    expect(scriptFormErrors(form).params).toEqual({
      a: expect.stringMatching(/variable/),
      c: 'OK is already a parameter.',
    });
  });
});

describe('scriptCreate and scriptUpdate', () => {
  it('round-trips a script, empty label and default as none', () => {
    const form = scriptToForm(script);
    expect(scriptCreate(form).parameters).toEqual(script.parameters);
    const bare = { ...form, parameters: [{ key: 'k', name: 'N', label: ' ', default: '', required: false }] };
    expect(scriptCreate(bare).parameters).toEqual([
      { name: 'N', label: null, default: null, required: false },
    ]);
  });

  it('sends only what changed', () => {
    const form = scriptToForm(script);
    expect(scriptUpdate(form, script)).toEqual({});
    expect(scriptUpdate({ ...form, name: ' Clean tmp ' }, script)).toEqual({ name: 'Clean tmp' });
    expect(scriptUpdate({ ...form, body: 'true' }, script)).toEqual({ body: 'true' });
  });
});
