import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, BIN, freePort, Proc, runCli, type System, startSystem } from '../test/harness.js';
import { launchBrowser, screenshot, signIn } from './browser.js';

const DESKTOP = { width: 1440, height: 900 };
const TABLET = { width: 768, height: 1024 };
const TEACHER = { username: 'teacher1', displayName: 'Ada Teacher', password: 'correct-horse-battery' };

/** The app signed in as `username`, in its own browser context (own cookies, colour scheme, size). */
async function openAs(
  browser: Browser,
  sys: System,
  opts: {
    username?: string;
    password?: string;
    dark?: boolean;
    viewport?: { width: number; height: number };
  } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? DESKTOP,
    colorScheme: opts.dark ? 'dark' : 'light',
  });
  const page = await context.newPage();
  await signIn(page, sys.backendUrl, opts.password ?? ADMIN_PASSWORD, opts.username ?? 'admin');
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return { context, page };
}

/** Waits for any dialog to finish closing and toasts to go, so a screenshot shows the page itself. */
async function settled(page: Page): Promise<void> {
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached', timeout: 15_000 });
}

/** Waits for the open dialog's entrance transition to end, so a screenshot shows it whole. */
async function dialogShown(page: Page): Promise<void> {
  await page.waitForFunction(
    "(() => { const m = document.querySelector('.mantine-Modal-content'); return m !== null && getComputedStyle(m).opacity === '1'; })()",
  );
}

describe('enrollment and administration pages in a real browser', () => {
  let sys: System;
  let browser: Browser;
  let admin: { context: BrowserContext; page: Page };
  let extraRelay: Proc | undefined;

  beforeAll(async () => {
    sys = await startSystem();
    await sys.startRelay();
    browser = await launchBrowser();
    admin = await openAs(browser, sys);
  });

  afterAll(async () => {
    await extraRelay?.stop();
    await browser?.close();
    await sys?.stop();
  });

  it('creates an enrollment token whose Linux command enrolls a real agent, which shows in the fleet', async () => {
    const { page } = admin;
    const lab = await sys.api.json<{ id: string }>('POST', '/api/v1/labs', {
      name: 'Room 101',
      rows: 2,
      cols: 3,
    });
    await page.goto(`${sys.backendUrl}/enrollment`);
    await page.getByText('No enrollment tokens yet').waitFor();

    await page.getByRole('button', { name: 'Create token' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Number of uses').fill('2');
    await dialog.getByRole('combobox', { name: 'Target lab' }).click();
    await page.getByRole('option', { name: 'Room 101' }).click();
    await dialog.getByRole('button', { name: 'Create token' }).click();

    const secret = dialog.getByTestId('enrollment-token-secret');
    await secret.waitFor();
    const token = (await secret.textContent())?.trim() ?? '';
    expect(token).toMatch(/^lme_\S+$/);
    await dialog.getByText(/It enrolls 2 computers into Room 101 until/).waitFor();
    await expect.poll(() => page.getByText(/Enrollment token created/).count()).toBeGreaterThan(0);

    // The Linux command, exactly as shown: the server's install.sh piped into sh with the token.
    const linux = (await dialog.getByTestId('install-linux').textContent()) ?? '';
    expect(linux).toBe(
      `curl -fsSL ${sys.backendUrl}/api/v1/agent-package/install.sh | sudo sh -s -- --token ${token}`,
    );
    await dialog.getByRole('tab', { name: 'Windows' }).click();
    await expect
      .poll(() => dialog.getByTestId('install-windows').textContent())
      .toContain(`--token ${token}`);
    await expect.poll(() => dialog.getByText('Untested', { exact: true }).count()).toBe(1);
    await dialog.getByRole('tab', { name: 'Linux' }).click();
    await screenshot(page, 'admin-enrollment-token-created');

    // Run the shown command (without sudo; into a test prefix and state dir, no service): it downloads and enrolls.
    const prefix = join(sys.dataDir, 'ui-installed-agent');
    const stateDir = join(sys.dataDir, 'ui-enrolled-agent');
    const installed = await new Promise<{ code: number | null; out: string }>((res) => {
      const child = spawn(
        'sh',
        ['-c', `${linux.replace('| sudo sh', '| sh')} --prefix "$PREFIX" --state-dir "$STATE" --no-service`],
        { env: { ...process.env, PREFIX: prefix, STATE: stateDir }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        out += c.toString();
      });
      child.on('exit', (code) => res({ code, out }));
    });
    expect(installed.code, installed.out).toBe(0);
    const computerId = installed.out.match(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/,
    )?.[0];
    const detail = await sys.api.json<{ labId: string | null }>('GET', `/api/v1/computers/${computerId}`);
    expect(detail.labId).toBe(lab.id);
    // The service the script installs as root is checked with --dry-run: the unit runs the downloaded agent.
    const service = await runCli(join(prefix, 'bin/labmgr-agent.js'), [
      'install-service',
      '--state-dir',
      stateDir,
      '--dry-run',
      '--platform',
      'linux',
    ]);
    expect(service.code, service.stderr).toBe(0);
    expect(service.stdout).toContain(`${join(prefix, 'bin/labmgr-agent.js')} run --state-dir ${stateDir}`);
    sys.startAgent(stateDir);

    await dialog.getByRole('button', { name: 'Done' }).click();
    const row = page.locator('tr[data-state="active"]');
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => row.locator('td').nth(4).textContent()).toBe('1');
    expect(await row.locator('td').nth(5).textContent()).toBe('Room 101');
    const me = await sys.api.json<{ user: { username: string; displayName: string | null } }>(
      'GET',
      '/api/v1/auth/me',
    );
    await expect
      .poll(() => row.locator('td').nth(2).textContent())
      .toBe(me.user.displayName ?? me.user.username);

    await page.goto(sys.backendUrl);
    const computer = page.locator(`tr[data-hostname="${hostname()}"]`);
    await computer.waitFor({ timeout: 30_000 });
    await expect.poll(() => computer.getAttribute('data-status'), { timeout: 30_000 }).toBe('online');
  });

  it('revokes an enrollment token after confirmation', async () => {
    const { page } = admin;
    await page.goto(`${sys.backendUrl}/enrollment`);
    const row = page.locator('tr[data-state="active"]');
    await row.waitFor();
    await row.getByRole('button', { name: /Revoke token/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await expect.poll(() => page.locator('tr[data-state="revoked"]').count()).toBe(1);
    await expect.poll(() => page.locator('tr[data-state="active"]').count()).toBe(0);
    await settled(page);
    await screenshot(page, 'admin-enrollment');
  });

  it('creates a user who can sign in; the admin cannot delete themselves; a viewer is refused', async () => {
    const { page } = admin;
    await page.goto(`${sys.backendUrl}/admin/users`);
    const self = page.locator('tr[data-username="admin"]');
    await self.waitFor();
    expect(await self.getByRole('button', { name: 'Delete admin' }).isDisabled()).toBe(true);
    // Editing oneself: the role and "disabled" stay as they are, and the form says why.
    await self.getByRole('button', { name: 'Edit admin' }).click();
    await page.getByRole('dialog').getByText('You cannot change your own role').waitFor();
    expect(await page.getByRole('dialog').getByLabel('Role').isDisabled()).toBe(true);
    await dialogShown(page);
    await screenshot(page, 'admin-users-edit-self');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Create user' }).click();
    const dialog = page.getByRole('dialog');
    // Too short a password is refused before anything is sent.
    await dialog.getByLabel('Username').fill(TEACHER.username);
    await dialog.getByLabel('Display name').fill(TEACHER.displayName);
    await dialog.getByLabel('Role').click();
    await page.getByRole('option', { name: 'Operator' }).click();
    await dialog.getByLabel('Initial password').fill('short');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.getByText('At least 12 characters (7 more)').waitFor();
    await screenshot(page, 'admin-users-create-invalid');
    await dialog.getByLabel('Initial password').fill(TEACHER.password);
    await dialog.getByRole('button', { name: 'Create user' }).click();

    const teacherRow = page.locator(`tr[data-username="${TEACHER.username}"]`);
    await teacherRow.waitFor();
    expect(await teacherRow.textContent()).toContain('Operator');
    expect(await teacherRow.textContent()).toContain('Never');
    await settled(page);
    await screenshot(page, 'admin-users');

    const teacher = await openAs(browser, sys, { username: TEACHER.username, password: TEACHER.password });
    await teacher.page.getByText(TEACHER.displayName).first().waitFor();
    // Operators see no admin-only entries in the navigation (once it is drawn for their role).
    await teacher.page.getByRole('link', { name: 'API tokens' }).waitFor();
    expect(await teacher.page.getByRole('link', { name: 'Users' }).count()).toBe(0);

    // Demoted to viewer, the teacher sees Forbidden on the users page.
    await teacherRow.getByRole('button', { name: `Edit ${TEACHER.username}` }).click();
    await dialog.getByLabel('Role').click();
    await page.getByRole('option', { name: 'Viewer' }).click();
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => teacherRow.textContent()).toContain('Viewer');
    await expect.poll(() => teacherRow.textContent()).toMatch(/Viewer.*(just now|ago)/);

    await teacher.page.goto(`${sys.backendUrl}/admin/users`);
    await teacher.page.getByText('Not available to your role').waitFor();
    expect(await teacher.page.getByRole('button', { name: 'Create user' }).count()).toBe(0);
    await screenshot(teacher.page, 'admin-users-forbidden-viewer');

    // The viewer changes their own password: wrong current password, then a good change.
    await teacher.page.goto(`${sys.backendUrl}/account`);
    await teacher.page.getByTestId('account-username').getByText(TEACHER.username).waitFor();
    await teacher.page.getByLabel('Current password').fill('not-my-password');
    await teacher.page.getByLabel(/^New password/).fill('another-long-password');
    await teacher.page.getByLabel('Confirm new password').fill('another-long-password');
    await teacher.page.getByRole('button', { name: 'Change password' }).click();
    await teacher.page.getByText('The current password is wrong').waitFor();
    await screenshot(teacher.page, 'admin-account-wrong-password');
    await teacher.page.getByLabel('Current password').fill(TEACHER.password);
    await teacher.page.getByRole('button', { name: 'Change password' }).click();
    await teacher.page.getByText(/Password changed/).waitFor();
    const relogin = await fetch(`${sys.backendUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: TEACHER.username, password: 'another-long-password' }),
    });
    expect(relogin.status).toBe(200);
    await teacher.context.close();

    // The admin resets the teacher's password, then deletes the account after confirming.
    await teacherRow.getByRole('button', { name: `Reset password of ${TEACHER.username}` }).click();
    await dialog.getByLabel(/^New password/).fill('reset-by-the-admin');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await dialog.waitFor({ state: 'detached' });
    const afterReset = await fetch(`${sys.backendUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: TEACHER.username, password: 'reset-by-the-admin' }),
    });
    expect(afterReset.status).toBe(200);
    await teacherRow.getByRole('button', { name: `Delete ${TEACHER.username}` }).click();
    await dialog.getByRole('button', { name: 'Delete user' }).click();
    await expect.poll(() => teacherRow.count()).toBe(0);
    expect(await self.getByRole('button', { name: 'Reset password of admin' }).isDisabled()).toBe(true);
  });

  it('creates an API token whose secret works against the API, read-only as chosen', async () => {
    const { page } = admin;
    await page.goto(`${sys.backendUrl}/admin/api-tokens`);
    await page.getByText('No API tokens yet').waitFor();
    await page.getByRole('button', { name: 'Create token' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('inventory script');
    await dialog.getByRole('button', { name: 'Create token' }).click();
    const secret = dialog.getByTestId('api-token-secret');
    await secret.waitFor();
    const token = (await secret.textContent())?.trim() ?? '';
    expect(token).toMatch(/^lmt_\S+$/);
    await screenshot(page, 'admin-api-token-created');

    const list = await fetch(`${sys.backendUrl}/api/v1/computers`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(list.status).toBe(200);
    const body = (await list.json()) as { items: Array<{ hostname: string }> };
    expect(body.items.map((c) => c.hostname)).toContain(hostname());
    const write = await fetch(`${sys.backendUrl}/api/v1/api-tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'not allowed' }),
    });
    expect(write.status).toBe(403);

    await dialog.getByRole('button', { name: 'Done' }).click();
    const row = page.locator('tr[data-token-name="inventory script"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('Read only');
    await page.reload();
    await expect.poll(() => row.locator('td').nth(4).textContent()).toMatch(/just now|ago/);
    await settled(page);
    await screenshot(page, 'admin-api-tokens');
  });

  it('lists relays with their agents, registers one whose start command works, and deletes it', async () => {
    const { page } = admin;
    await page.goto(`${sys.backendUrl}/admin/relays`);
    const first = page.locator(`tr[data-relay-name="${sys.relayName}"]`);
    await first.waitFor();
    await expect.poll(() => first.getAttribute('data-status')).toBe('online');
    await expect.poll(() => first.getByTestId('relay-agents').textContent(), { timeout: 45_000 }).toBe('1');

    await page.getByRole('button', { name: 'Register relay' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Relay name').fill('building-b');
    await dialog.getByRole('button', { name: 'Register relay' }).click();
    const command = (await dialog.getByTestId('relay-start-command').textContent()) ?? '';
    await screenshot(page, 'admin-relay-registered');

    // Start a relay with the shown environment (plus a free port for this test).
    const env: Record<string, string> = {};
    for (const line of command.split('\n')) {
      const m = /^(LABMGR_[A-Z_]+)=(\S+)/.exec(line);
      if (m?.[1] && m[2]) env[m[1]] = m[2];
    }
    expect(command.trim().endsWith('labmgr-relay')).toBe(true);
    expect(env.LABMGR_BACKEND_URL).toBe(sys.backendUrl);
    expect(env.LABMGR_RELAY_ID).toBe('building-b');
    expect(env.LABMGR_RELAY_TOKEN).toMatch(/^lmr_/);
    extraRelay = new Proc('building-b', BIN.relay, [], {
      ...env,
      LABMGR_RELAY_PORT: String(await freePort()),
      LABMGR_RELAY_HOST: '127.0.0.1',
      LABMGR_DATA_DIR: sys.dataDir,
    });
    await dialog.getByRole('button', { name: 'Done' }).click();

    const second = page.locator('tr[data-relay-name="building-b"]');
    await expect
      .poll(
        async () => {
          await page.reload();
          await second.waitFor();
          return second.getAttribute('data-status');
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe('online');
    expect(await second.textContent()).toContain('http://127.0.0.1:');
    await settled(page);
    await screenshot(page, 'admin-relays');

    await second.getByRole('button', { name: 'Delete relay building-b' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete relay' }).click();
    await expect.poll(() => second.count()).toBe(0);
    await page.getByLabel('Show deleted (1)').check();
    await expect.poll(() => second.getAttribute('data-status')).toBe('revoked');
  });

  it('shows these actions in the audit log, filtered by action and expandable', async () => {
    const { page } = admin;
    await page.goto(`${sys.backendUrl}/admin/audit`);
    for (const action of [
      'enrollment_token.create',
      'agent.enroll',
      'enrollment_token.revoke',
      'user.create',
      'user.update',
      'user.password_reset',
      'user.delete',
      'token.create',
      'relay.create',
      'relay.revoke',
    ]) {
      await page.locator(`tr[data-action="${action}"]`).first().waitFor();
    }
    await screenshot(page, 'admin-audit');

    await page.getByRole('combobox', { name: 'Action' }).fill('user.');
    await expect
      .poll(async () => {
        const rows = page.locator('tr[data-action]');
        const actions = await Promise.all(
          Array.from({ length: await rows.count() }, (_, i) => rows.nth(i).getAttribute('data-action')),
        );
        return actions.length > 0 && actions.every((a) => a?.startsWith('user.'));
      })
      .toBe(true);
    await expect
      .poll(() => page.locator('tr[data-action="user.update"]').first().textContent())
      .toContain('role: operator → viewer');
    const created = page.locator('tr[data-action="user.create"]').filter({ hasText: TEACHER.username });
    await created.getByRole('button', { name: 'Show details' }).click();
    await page.getByText('"role": "operator"').waitFor();
    await screenshot(page, 'admin-audit-filtered');
  });

  it('sends a signed-in user back to the sign-in page the moment an admin disables them (their live socket closes)', async () => {
    const user = await sys.api.json<{ id: string }>('POST', '/api/v1/users', {
      username: 'leaver1',
      password: 'a long enough password',
      role: 'operator',
    });
    const { context, page } = await openAs(browser, sys, {
      username: 'leaver1',
      password: 'a long enough password',
    });
    try {
      await expect
        .poll(() => page.getByTestId('live-status').textContent(), { timeout: 15_000 })
        .toContain('Live');
      const disabledAt = Date.now();
      const res = await sys.api.request('PATCH', `/api/v1/users/${user.id}`, { disabled: true });
      expect(res.status).toBe(200);
      // No click, no navigation: the closed socket alone makes the page re-check the session.
      await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 10_000 });
      expect(Date.now() - disabledAt).toBeLessThan(10_000);
      expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('looks right in the dark theme and on a tablet', async () => {
    const dark = await openAs(browser, sys, { dark: true });
    for (const [path, name] of [
      ['/enrollment', 'enrollment'],
      ['/admin/users', 'users'],
      ['/admin/relays', 'relays'],
      ['/admin/audit', 'audit'],
      ['/account', 'account'],
    ] as const) {
      await dark.page.goto(`${sys.backendUrl}${path}`);
      await dark.page.locator('table, form').first().waitFor();
      await screenshot(dark.page, `admin-${name}-dark`);
    }
    await dark.context.close();

    const tablet = await openAs(browser, sys, { viewport: TABLET });
    for (const [path, name] of [
      ['/enrollment', 'enrollment'],
      ['/admin/users', 'users'],
      ['/admin/api-tokens', 'api-tokens'],
      ['/admin/relays', 'relays'],
      ['/admin/audit', 'audit'],
    ] as const) {
      await tablet.page.goto(`${sys.backendUrl}${path}`);
      await tablet.page.locator('table').first().waitFor();
      await screenshot(tablet.page, `admin-${name}-tablet`);
    }
    await tablet.page.goto(`${sys.backendUrl}/enrollment`);
    await tablet.page.getByRole('button', { name: 'Create token' }).first().click();
    await tablet.page.getByRole('dialog').getByRole('button', { name: 'Create token' }).click();
    await tablet.page.getByTestId('install-linux').waitFor();
    await screenshot(tablet.page, 'admin-enrollment-token-created-tablet');
    await tablet.context.close();
  });
});
