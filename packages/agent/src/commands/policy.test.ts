import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALLOW_ALL_POLICY, loadPolicy, PolicyFileError, parsePolicy, policyRefusal } from './policy.js';
import { execCommand, shellCommand } from './testing.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-policy-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('policy file', () => {
  it('loads a file; unset fields allow', async () => {
    const file = join(dir, 'policy.json');
    await writeFile(
      file,
      JSON.stringify({ shell: 'deny', exec: { allow: ['/usr/bin/uptime'] }, power: 'allow' }),
    );
    expect(await loadPolicy(file)).toEqual({
      ...ALLOW_ALL_POLICY,
      shell: 'deny',
      exec: { allow: ['/usr/bin/uptime'] },
      source: file,
    });
  });

  it('refuses a named file that does not exist (a typo must not lift restrictions)', async () => {
    await expect(loadPolicy(join(dir, 'missing.json'))).rejects.toThrow(
      /cannot read policy file .*missing\.json/,
    );
  });

  it('refuses a file every user may write', async () => {
    const file = join(dir, 'policy.json');
    await writeFile(file, '{}');
    await chmod(file, 0o666);
    await expect(loadPolicy(file)).rejects.toThrow(/writable by every user/);
  });

  it('names the file for bad JSON', async () => {
    const file = join(dir, 'policy.json');
    await writeFile(file, '{ shell: deny }');
    await expect(loadPolicy(file)).rejects.toThrow(new RegExp(`policy file ${file} is not valid JSON`));
  });

  it.each([
    [[], /must be a JSON object/],
    [{ shel: 'deny' }, /"shel" is not a policy field/],
    [{ shell: 'no' }, /"shell" must be "allow" or "deny"/],
    [{ exec: ['/bin/ls'] }, /"exec" must be "allow", "deny" or/],
    [{ exec: { allow: '/bin/ls' } }, /"exec.allow" must be an array/],
    [{ exec: { allow: ['/bin/ls', 'uptime'] } }, /"exec.allow\[1\]" must be an absolute path/],
    [{ exec: { deny: [] } }, /"exec.deny" is not a policy field/],
    [{ power: true }, /"power" must be "allow" or "deny"/],
  ])('rejects %j naming the field', (json, message) => {
    expect(() => parsePolicy(json, '/etc/labmgr/policy.json')).toThrow(PolicyFileError);
    expect(() => parsePolicy(json, '/etc/labmgr/policy.json')).toThrow(message);
  });
});

describe('policyRefusal', () => {
  it('allows "power actions only": power and messages, no shell or exec', () => {
    const policy = parsePolicy({ shell: 'deny', exec: 'deny' }, 'test');
    const power = {
      ...shellCommand('x'),
      kind: 'power',
      action: 'reboot',
      delaySec: 0,
      message: null,
    } as const;
    const { shell: _s, script: _x, ...rest } = power;
    expect(policyRefusal(policy, rest)).toBeNull();
    expect(policyRefusal(policy, { ...rest, kind: 'message', title: 't', text: 'x' })).toBeNull();
    expect(policyRefusal(policy, shellCommand('ls'))).toMatch(/shell commands are denied/);
    const strict = parsePolicy({ power: 'deny', message: 'deny' }, 'test');
    expect(policyRefusal(strict, rest)).toBe('refused by local policy: power actions (reboot) are denied');
    expect(policyRefusal(strict, { ...rest, kind: 'message', title: 't', text: 'x' })).toBe(
      'refused by local policy: messages to users are denied',
    );
    const { action: _a, delaySec: _d, message: _m, ...common } = rest;
    const wake = {
      ...common,
      kind: 'wake' as const,
      macs: ['02:00:00:00:00:01'],
      broadcast: '10.0.0.255',
      port: 9,
    };
    expect(policyRefusal(policy, wake)).toBeNull();
    expect(policyRefusal(parsePolicy({ wake: 'deny' }, 'test'), wake)).toBe(
      'refused by local policy: sending wake-on-LAN packets is denied',
    );
  });

  it('allows everything by default', () => {
    expect(policyRefusal(ALLOW_ALL_POLICY, shellCommand('ls'))).toBeNull();
    expect(policyRefusal(ALLOW_ALL_POLICY, execCommand(['ls']))).toBeNull();
  });

  it('matches the allow-list on the exact program path only', () => {
    const policy = parsePolicy({ exec: { allow: ['/usr/bin/uptime'] } }, 'test');
    expect(policyRefusal(policy, execCommand(['/usr/bin/uptime', '-p']))).toBeNull();
    expect(policyRefusal(policy, execCommand(['uptime']))).toMatch(/uptime is not in the exec allow-list/);
    expect(policyRefusal(policy, shellCommand('uptime'))).toBeNull();
  });

  it('denies exec entirely, and runAs', () => {
    const policy = parsePolicy({ exec: 'deny', runAs: 'deny' }, 'test');
    expect(policyRefusal(policy, execCommand(['/bin/true']))).toBe(
      'refused by local policy: exec commands are denied',
    );
    expect(policyRefusal(policy, shellCommand('true', { runAs: 'nobody' }))).toMatch(
      /another user is denied/,
    );
  });
});
