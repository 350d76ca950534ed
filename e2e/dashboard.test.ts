import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, ROOT, type System, startSystem } from '../test/harness.js';
import { launchBrowser, signIn } from './browser.js';

const shots = join(ROOT, 'test-results');

/** Keeps one core busy for `ms`, so this computer's CPU figure visibly moves. */
function burnCpu(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', `const t = Date.now() + ${ms}; while (Date.now() < t);`]);
    child.on('exit', () => resolve());
  });
}

describe('dashboard in a real browser', () => {
  let sys: System;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    sys = await startSystem();
    await sys.startRelay();
    const { stateDir } = await sys.enrollAgent();
    sys.startAgent(stateDir);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('shows a clear error for a wrong password', async () => {
    const page = await browser.newPage();
    await signIn(page, sys.backendUrl, 'not-the-password');
    await expect.poll(() => page.getByText(/wrong username or password/i).count()).toBe(1);
    await page.close();
  });

  it("signs in and sees this computer's CPU value change live, without a reload", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    let navigations = 0;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations++;
    });
    await signIn(page, sys.backendUrl, ADMIN_PASSWORD);
    const row = page.locator(`tr[data-hostname="${hostname()}"]`);
    await row.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.getByTestId('live-status').textContent(), { timeout: 15_000 })
      .toContain('Live');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('online');

    const cpu = row.getByTestId('cpu-percent');
    await expect.poll(() => cpu.textContent(), { timeout: 15_000 }).toMatch(/^\d+(\.\d)? ?%$/);
    const first = await cpu.textContent();
    const navigationsBefore = navigations;
    const load = burnCpu(6000);
    await expect.poll(() => cpu.textContent(), { timeout: 20_000, interval: 250 }).not.toBe(first);
    await load;
    expect(navigations).toBe(navigationsBefore);
    await page.screenshot({ path: join(shots, 'dashboard.png') });
    await page.close();
  });
});
