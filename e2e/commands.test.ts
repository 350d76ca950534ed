import { hostname } from 'node:os';
import type { CommandDetail, Script } from '@labmgr/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, eventually, type System, startSystem } from '../test/harness.js';
import { launchBrowser, screenshot, signIn } from './browser.js';

const VIEWER = { username: 'viewer1', password: 'viewer-password-123' };
const DESKTOP = { width: 1440, height: 900 };
const TABLET = { width: 768, height: 1024 };
const host = hostname();

/**
 * The commands area in a real browser against a real backend, relay and
 * agent: a command started through the actions module runs on the agent and
 * its output shows on the job page; re-run, cancel, a library script with a
 * parameter, the power confirmation, and what a viewer may not do.
 */
describe('commands area in a real browser', () => {
  let sys: System;
  let browser: Browser;
  let computerId: string;
  let script: Script;

  const open = async (path: string, opts: { dark?: boolean; tablet?: boolean; viewer?: boolean } = {}) => {
    const page = await browser.newPage({
      viewport: opts.tablet ? TABLET : DESKTOP,
      colorScheme: opts.dark ? 'dark' : 'light',
    });
    await signIn(
      page,
      `${sys.backendUrl}${path}`,
      opts.viewer ? VIEWER.password : ADMIN_PASSWORD,
      opts.viewer ? VIEWER.username : 'admin',
    );
    return page;
  };
  const waitOnline = () =>
    eventually(
      async () =>
        (await sys.api.json<{ status: string }>('GET', `/api/v1/computers/${computerId}`)).status ===
        'online',
      60_000,
      'the agent online',
    );
  const send = (body: Record<string, unknown>) =>
    sys.api.json<CommandDetail>('POST', '/api/v1/commands', {
      targets: { computerIds: [computerId] },
      ...body,
    });
  /** Waits until CSS transitions (a modal opening) are over, so a screenshot shows the page at rest. */
  const settled = (page: Page) =>
    expect
      .poll(
        () => page.evaluate('document.getAnimations().filter((a) => a instanceof CSSTransition).length'),
        {
          timeout: 10_000,
        },
      )
      .toBe(0);
  /** The job page's own id, from the address bar. */
  const jobIdOf = (page: Page) => new URL(page.url()).pathname.split('/').pop() ?? '';

  beforeAll(async () => {
    sys = await startSystem();
    await sys.startRelay();
    const enrolled = await sys.enrollAgent();
    computerId = enrolled.computerId;
    sys.startAgent(enrolled.stateDir);
    await sys.api.json('POST', '/api/v1/users', { ...VIEWER, role: 'viewer' });
    script = await sys.api.json<Script>('POST', '/api/v1/scripts', {
      name: 'Greet the lab',
      description: 'Prints a greeting with the name given',
      targetOs: 'linux',
      shell: 'sh',
      body: 'echo "hello $WHO"',
      parameters: [{ name: 'WHO', label: 'Who to greet', default: 'world', required: true }],
    });
    await waitOnline();
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('runs a shell command picked in the actions module and shows its output on the job page', async () => {
    const page = await open('/commands');
    await page.getByRole('button', { name: 'New command' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Computers' }).click();
    await dialog.getByRole('combobox', { name: 'Computers' }).fill(host);
    await page.getByRole('option', { name: host, exact: true }).click();
    await dialog
      .getByRole('textbox', { name: 'Command' })
      .fill('echo hello-from-e2e; echo oops-on-stderr >&2');
    await settled(page);
    await screenshot(page, 'commands-new-command-dialog');
    // One computer and no power action: no second confirmation.
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();

    const toast = page.getByText('Command sent to 1 computer');
    await toast.waitFor({ timeout: 20_000 });
    await page.getByRole('link', { name: 'View the job' }).click();
    await page.getByTestId('job-command').waitFor();
    expect(await page.getByTestId('job-command').textContent()).toContain('echo hello-from-e2e');

    // A single-computer job shows its output unfolded, streamed in as the agent sends it.
    const stdout = page.locator('pre[data-stream="stdout"]');
    await expect.poll(() => stdout.textContent(), { timeout: 30_000 }).toContain('hello-from-e2e');
    await expect
      .poll(() => page.locator('pre[data-stream="stderr"]').textContent(), { timeout: 30_000 })
      .toContain('oops-on-stderr');
    const row = page.locator(`tr[data-computer="${host}"]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('succeeded');
    expect(await row.getByTestId('exit-code').textContent()).toBe('0');
    await expect
      .poll(() => page.getByTestId('job-state').textContent(), { timeout: 20_000 })
      .toBe('Succeeded');
    await screenshot(page, 'commands-job-light');

    // Re-run: confirmed, then the new job's page with its own output.
    const firstId = jobIdOf(page);
    await page.getByRole('button', { name: 'Re-run' }).click();
    await page.getByRole('button', { name: 'Re-run on 1 computer' }).click();
    await expect.poll(() => jobIdOf(page), { timeout: 20_000 }).not.toBe(firstId);
    await expect
      .poll(() => page.locator('pre[data-stream="stdout"]').textContent(), { timeout: 30_000 })
      .toContain('hello-from-e2e');
    expect(await page.getByRole('link', { name: 'Re-run of an earlier command' }).count()).toBe(1);
    await page.close();
  });

  it('cancels a running command after confirmation', async () => {
    const job = await send({ kind: 'shell', command: 'echo started; sleep 120', timeoutSec: 300 });
    const page = await open(`/commands/${job.id}`);
    const row = page.locator(`tr[data-computer="${host}"]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('running');
    await expect
      .poll(() => page.locator('pre[data-stream="stdout"]').textContent(), { timeout: 30_000 })
      .toContain('started');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByText('Cancel 1 unfinished run?').waitFor();
    await page.getByRole('button', { name: 'Cancel 1 run' }).click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled');
    expect(await page.getByRole('button', { name: 'Cancel', exact: true }).count()).toBe(0);
    await page.close();
  });

  it('runs a library script with a parameter on every online computer', async () => {
    const page = await open('/scripts');
    const row = page.locator(`tr[data-script="${script.name}"]`);
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain('v1');
    await row.getByRole('button', { name: 'Run…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('All online', { exact: true }).click();
    await dialog.getByLabel('Who to greet').fill('room 101');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByText('“Greet the lab” sent to 1 computer').waitFor({ timeout: 20_000 });
    await page.getByRole('link', { name: 'View the job' }).click();
    await expect
      .poll(() => page.locator('pre[data-stream="stdout"]').textContent(), { timeout: 30_000 })
      .toContain('hello room 101');
    expect(await page.getByText('Script Greet the lab, version 1').count()).toBe(1);
    await page.close();
  });

  it('asks before a power action, naming it and the computer', async () => {
    const page = await open('/commands');
    await page.getByRole('button', { name: 'New command' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Computers' }).click();
    await dialog.getByRole('combobox', { name: 'Computers' }).fill(host);
    await page.getByRole('option', { name: host, exact: true }).click();
    await dialog.getByText('Power', { exact: true }).click();
    await dialog.getByText('Shut down', { exact: true }).click();
    await dialog.getByRole('button', { name: 'Shut down 1 computer…' }).click();
    await dialog.getByText(`Shut down ${host}?`).waitFor();
    await settled(page);
    await screenshot(page, 'commands-confirm-power');
    // Backing out sends nothing.
    const before = (await sys.api.json<{ total: number }>('GET', '/api/v1/commands')).total;
    await dialog.getByRole('button', { name: 'Back' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await sys.api.json<{ total: number }>('GET', '/api/v1/commands')).total).toBe(before);
    await page.close();
  });

  it('lists the jobs with their results, in light and dark, on desktop and tablet', async () => {
    await send({
      kind: 'message',
      title: 'Lab closing',
      text: 'Save your work, the lab closes in 10 minutes.',
    });
    for (const dark of [false, true]) {
      for (const tablet of [false, true]) {
        if (dark && tablet) continue;
        const page = await open('/commands', { dark, tablet });
        const rows = page.locator('tr[data-job-id]');
        await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(5);
        expect(await page.getByText('echo hello-from-e2e; echo oops-on-stderr >&2').count()).toBeGreaterThan(
          0,
        );
        await page.locator('[data-status="succeeded"]').first().waitFor();
        await screenshot(page, `commands-list-${dark ? 'dark' : 'light'}-${tablet ? 'tablet' : 'desktop'}`);
        await page.close();
      }
    }

    // The text filter asks the server, and the list answers with that job only.
    const page = await open('/commands');
    await page.locator('tr[data-job-id]').first().waitFor({ timeout: 20_000 });
    await page.getByLabel('Search what ran').fill('lab closing');
    await expect.poll(() => page.locator('tr[data-job-id]').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator('tr[data-job-id]').textContent()).toContain('Lab closing');
    await page.close();
  });

  it('shows the job and script library in dark mode', async () => {
    const list = await sys.api.json<{ items: { id: string; command: string }[] }>('GET', '/api/v1/commands');
    const job = list.items.find((j) => j.command.includes('hello-from-e2e'));
    const page = await open(`/commands/${job?.id ?? ''}`, { dark: true });
    await expect
      .poll(() => page.locator('pre[data-stream="stdout"]').textContent(), { timeout: 30_000 })
      .toContain('hello-from-e2e');
    await screenshot(page, 'commands-job-dark');
    await page.goto(`${sys.backendUrl}/scripts`);
    await page.locator('tr[data-script]').first().waitFor({ timeout: 20_000 });
    await screenshot(page, 'scripts-dark');
    await page.close();

    const light = await open('/scripts');
    await light.locator('tr[data-script]').first().waitFor({ timeout: 20_000 });
    await screenshot(light, 'scripts-light');
    await light.getByRole('button', { name: `More for ${script.name}` }).click();
    await light.getByRole('menuitem', { name: 'Edit' }).click();
    await light.getByRole('dialog').getByText(`Edit ${script.name}`).waitFor();
    expect(
      await light
        .getByRole('dialog')
        .getByRole('textbox', { name: /^Script/ })
        .inputValue(),
    ).toBe(script.body);
    await settled(light);
    await screenshot(light, 'scripts-editor-light');

    // A change of what runs saves a new version; the old one stays readable.
    await light
      .getByRole('dialog')
      .getByRole('textbox', { name: /^Script/ })
      .fill('echo "hi there, $WHO"');
    await light.getByRole('button', { name: 'Save' }).click();
    await light.getByText('Saved as version 2.').waitFor({ timeout: 20_000 });
    const row = light.locator(`tr[data-script="${script.name}"]`);
    await row.getByRole('button', { name: 'v2' }).click();
    const versions = light.getByRole('dialog');
    await versions.locator('[data-version="1"]').waitFor({ timeout: 20_000 });
    expect(await versions.locator('[data-version]').count()).toBe(2);
    expect(await versions.locator('[data-version="2"]').textContent()).toContain('hi there, $WHO');
    await settled(light);
    await screenshot(light, 'scripts-versions-light');
    await light.close();
  });

  it('gives a viewer nothing to run, re-run, cancel or edit', async () => {
    const running = await send({ kind: 'shell', command: 'sleep 60', timeoutSec: 120 });
    const page = await open('/commands', { viewer: true });
    await page.locator('tr[data-job-id]').first().waitFor({ timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'New command' }).count()).toBe(0);

    await page.goto(`${sys.backendUrl}/commands/${running.id}`);
    await page.locator(`tr[data-computer="${host}"]`).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'Re-run' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cancel', exact: true }).count()).toBe(0);
    await screenshot(page, 'commands-job-viewer');

    await page.goto(`${sys.backendUrl}/scripts`);
    await page.locator('tr[data-script]').first().waitFor({ timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'Run…' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'New script' }).count()).toBe(0);
    await page.getByRole('button', { name: `More for ${script.name}` }).click();
    // The menu opens with an animation: wait for it before asserting what it lacks.
    await page.getByRole('menuitem', { name: 'View' }).waitFor();
    expect(await page.getByRole('menuitem', { name: /Delete/ }).count()).toBe(0);
    await page.close();
    await sys.api.json('POST', `/api/v1/commands/${running.id}/cancel`);
  });
});
