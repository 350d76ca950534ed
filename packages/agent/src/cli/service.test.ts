import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../../test/cli-io.js';
import { runCli } from './cli.js';
import { AGENT_BIN_PATH } from './service-options.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-agent-service-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('install-service', () => {
  it('--dry-run prints the unit with absolute paths and the systemctl commands', async () => {
    const c = captureIo({}, '/srv');
    const code = await runCli(
      ['install-service', '--dry-run', '--platform', 'linux', '--state-dir', 'st', '--unit-dir', dir],
      c.io,
    );
    expect(code).toBe(0);
    expect(c.stdout).toContain(`# would write ${join(dir, 'labmgr-agent.service')}:`);
    expect(c.stdout).toContain(
      `ExecStart=${process.execPath} --max-old-space-size=64 --max-semi-space-size=1 ${AGENT_BIN_PATH} run --state-dir /srv/st\n`,
    );
    expect(c.stdout).toContain('Restart=always');
    expect(c.stdout).toMatch(
      /# then run:\nsystemctl daemon-reload\nsystemctl enable --now labmgr-agent.service$/,
    );
    expect(c.stderr).toContain('warning: not enrolled yet');
  });

  it('passes an explicitly named config file on to the service', async () => {
    const config = join(dir, 'agent.json');
    await writeFile(config, '{}');
    const c = captureIo({ LABMGR_AGENT_CONFIG: config }, '/srv');
    expect(
      await runCli(
        ['install-service', '--dry-run', '--platform', 'linux', '--state-dir', '/var/lib/a'],
        c.io,
      ),
    ).toBe(0);
    expect(c.stdout).toContain(`run --state-dir /var/lib/a --config ${config}\n`);
  });

  it('--dry-run on darwin prints a launchd plist marked untested', async () => {
    const c = captureIo();
    expect(
      await runCli(
        ['install-service', '--dry-run', '--platform', 'darwin', '--state-dir', '/var/lib/a'],
        c.io,
      ),
    ).toBe(0);
    expect(c.stdout).toContain('/Library/LaunchDaemons/org.labmgr.agent.plist');
    expect(c.stdout).toContain(`<string>${process.execPath}</string>`);
    expect(c.stdout).toContain('launchctl bootstrap system /Library/LaunchDaemons/org.labmgr.agent.plist');
    expect(c.stdout).toContain('UNTESTED');
  });

  it('fails clearly, changing nothing, when systemctl is missing', async () => {
    const c = captureIo({ PATH: dir });
    expect(
      await runCli(['install-service', '--platform', 'linux', '--unit-dir', dir, '--state-dir', dir], c.io),
    ).toBe(1);
    expect(c.stderr).toContain('install-service failed: systemctl not found on PATH');
    expect(await readdir(dir)).toEqual([]);
  });

  it('points Windows users to the README and rejects unknown platforms', async () => {
    const win = captureIo();
    expect(await runCli(['install-service', '--platform', 'win32'], win.io)).toBe(1);
    expect(win.stderr).toContain('NSSM recipe in the agent README');
    const bad = captureIo();
    expect(await runCli(['install-service', '--platform', 'beos'], bad.io)).toBe(2);
    expect(bad.stderr).toContain('--platform must be linux or darwin');
  });
});

describe('uninstall-service', () => {
  it('--dry-run prints the commands and the file it would remove', async () => {
    const c = captureIo();
    expect(
      await runCli(['uninstall-service', '--dry-run', '--platform', 'linux', '--unit-dir', dir], c.io),
    ).toBe(0);
    expect(c.stdout).toBe(
      `# would run:\nsystemctl disable --now labmgr-agent.service\nrm ${join(dir, 'labmgr-agent.service')}\nsystemctl daemon-reload`,
    );
  });

  it('fails clearly when systemctl is missing', async () => {
    const c = captureIo({ PATH: '' });
    expect(await runCli(['uninstall-service', '--platform', 'linux', '--unit-dir', dir], c.io)).toBe(1);
    expect(c.stderr).toContain('systemctl not found');
  });
});
