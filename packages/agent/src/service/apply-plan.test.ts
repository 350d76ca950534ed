import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyInstall, applyUninstall } from './apply-plan.js';
import type { ServiceHost } from './service-host.js';
import { installPlan, uninstallPlan } from './service-plan.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-agent-service-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A machine with systemd, recording the commands instead of running them. */
function fakeHost(overrides: Partial<ServiceHost> = {}, failing: string | null = null) {
  const ran: string[] = [];
  const host: ServiceHost = {
    which: (name) => `/usr/bin/${name}`,
    systemdRunning: () => true,
    async run(argv) {
      ran.push(argv.join(' '));
      return argv.join(' ') === failing
        ? { code: 1, output: 'Failed to enable unit' }
        : { code: 0, output: '' };
    },
    ...overrides,
  };
  return { host, ran };
}

const command = { nodePath: '/usr/bin/node', binPath: '/opt/a/bin/labmgr-agent.js', args: ['run'] };

describe('applyInstall', () => {
  it('writes the unit world-readable, then reloads and enables it', async () => {
    const { host, ran } = fakeHost();
    const plan = installPlan('linux', command, dir);
    expect(await applyInstall(plan, host)).toMatchObject({ ok: true });
    expect(await readFile(plan.file, 'utf8')).toBe(plan.content);
    expect((await stat(plan.file)).mode & 0o777).toBe(0o644);
    expect(ran).toEqual(['systemctl daemon-reload', 'systemctl enable --now labmgr-agent.service']);
  });

  it('changes nothing when systemd is not running', async () => {
    const { host, ran } = fakeHost({ systemdRunning: () => false });
    const result = await applyInstall(installPlan('linux', command, dir), host);
    expect(result).toEqual({ ok: false, message: expect.stringContaining('systemd is not running') });
    expect(ran).toEqual([]);
  });

  it('reports a failing systemctl with its output', async () => {
    const { host } = fakeHost({}, 'systemctl enable --now labmgr-agent.service');
    const result = await applyInstall(installPlan('linux', command, dir), host);
    expect(result.ok).toBe(false);
    expect(result.message).toContain(
      '"systemctl enable --now labmgr-agent.service" failed with exit code 1: Failed to enable unit',
    );
  });

  it('explains a unit directory that does not exist', async () => {
    const { host } = fakeHost();
    const result = await applyInstall(installPlan('linux', command, join(dir, 'missing')), host);
    expect(result.message).toContain('does not exist');
  });
});

describe('applyUninstall', () => {
  it('disables, removes the unit and reloads', async () => {
    const { host, ran } = fakeHost();
    const plan = uninstallPlan('linux', dir);
    await writeFile(plan.file, '[Unit]\n');
    expect(await applyUninstall(plan, host)).toMatchObject({ ok: true });
    await expect(stat(plan.file)).rejects.toThrow(/ENOENT/);
    expect(ran).toEqual(['systemctl disable --now labmgr-agent.service', 'systemctl daemon-reload']);
  });

  it('is a no-op when nothing is installed', async () => {
    const { host, ran } = fakeHost();
    expect(await applyUninstall(uninstallPlan('linux', dir), host)).toMatchObject({
      ok: true,
      message: expect.stringContaining('not installed'),
    });
    expect(ran).toEqual([]);
  });
});
