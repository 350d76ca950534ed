import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { resolveParams, scriptText } from './script-text.js';

const hostile = [
  "it's",
  '$(touch /tmp/labmgr-pwned)',
  '`id`',
  '"; echo pwned; "',
  "'; echo pwned; '",
  'line one\nline two',
  '\\ back \\\\ slash',
  '',
];

describe('scriptText', () => {
  it('hands every value to sh unchanged, as data (a real sh runs it)', () => {
    for (const value of hostile) {
      const text = scriptText('sh', 'printf %s "$VALUE"', [{ name: 'VALUE', value }]);
      expect(execFileSync('/bin/sh', ['-c', text], { encoding: 'utf8' })).toBe(value);
    }
  });

  it('quotes for PowerShell, doubling every kind of single quote', () => {
    expect(scriptText('powershell', 'Write-Output $Name', [{ name: 'Name', value: "O'Brien ‘x’" }])).toBe(
      "$Name = 'O''Brien ‘‘x’’'\nWrite-Output $Name",
    );
  });

  it('leaves a script without parameters as it is, and gives cmd none', () => {
    expect(scriptText('cmd', 'dir', [])).toBe('dir');
    expect(() => scriptText('cmd', 'echo %A%', [{ name: 'A', value: 'x' }])).toThrow(/no parameters/);
  });
});

describe('resolveParams', () => {
  const declared = [
    { name: 'PATH_TO', label: null, default: '/tmp', required: false },
    { name: 'USER_NAME', label: 'User', default: null, required: true },
    { name: 'NOTE', label: null, default: null, required: false },
  ];
  it('fills defaults and keeps the declared order', () => {
    expect(resolveParams(declared, { USER_NAME: 'ann' })).toEqual({
      ok: true,
      values: [
        { name: 'PATH_TO', value: '/tmp' },
        { name: 'USER_NAME', value: 'ann' },
        { name: 'NOTE', value: '' },
      ],
    });
  });

  it('refuses unknown and missing required parameters and NUL characters, naming them', () => {
    expect(resolveParams(declared, { USER_NAME: 'a', EXTRA: 'x' })).toEqual({
      ok: false,
      field: 'params.EXTRA',
      reason: 'not a parameter of this script',
    });
    expect(resolveParams(declared, {})).toEqual({ ok: false, field: 'params.USER_NAME', reason: 'required' });
    expect(resolveParams(declared, { USER_NAME: 'a\0b' })).toMatchObject({
      ok: false,
      field: 'params.USER_NAME',
    });
  });
});
