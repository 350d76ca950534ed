import { describe, expect, it } from 'vitest';
import { findPasswdUser, prepareLaunch } from './launch.js';
import { shellCommand } from './testing.js';

const passwd = [
  'root:x:0:0:root:/root:/bin/bash',
  'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
  'broken:x::1:broken:/home/broken:/bin/sh',
  '',
].join('\n');

describe('findPasswdUser', () => {
  it('reads uid, gid, home and shell', () => {
    expect(findPasswdUser(passwd, 'nobody')).toEqual({
      name: 'nobody',
      uid: 65534,
      gid: 65534,
      home: '/nonexistent',
      shell: '/usr/sbin/nologin',
    });
  });

  it('returns null for unknown users and damaged lines', () => {
    expect(findPasswdUser(passwd, 'alice')).toBeNull();
    expect(findPasswdUser(passwd, 'broken')).toBeNull();
    expect(findPasswdUser(passwd, 'root:x')).toBeNull();
  });
});

describe.skipIf(process.platform === 'win32')('prepareLaunch on Unix', () => {
  it('runs sh scripts with /bin/sh -c and a fresh environment', async () => {
    const command = shellCommand('echo hi');
    const launch = await prepareLaunch(command);
    if (!launch.ok) throw new Error(launch.message);
    expect(launch.spec.file).toBe('/bin/sh');
    expect(launch.spec.args).toEqual(['-c', 'echo hi']);
    expect(Object.keys(launch.spec.options.env ?? {}).sort()).toEqual(
      expect.arrayContaining(['HOME', 'LABMGR_COMMAND_ID', 'LANG', 'LOGNAME', 'PATH', 'SHELL', 'USER']),
    );
    expect(launch.spec.options.env?.LABMGR_COMMAND_ID).toBe(command.id);
  });

  it('reports cmd as impossible here', async () => {
    expect(await prepareLaunch(shellCommand('dir', { shell: 'cmd' }))).toMatchObject({
      ok: false,
      status: 'error',
      message: expect.stringContaining('only on Windows'),
    });
  });

  it('looks runAs users up in the given passwd file', async () => {
    const launch = await prepareLaunch(shellCommand('id', { runAs: 'nobody' }), '/nonexistent/passwd');
    expect(launch.ok).toBe(false);
  });
});
