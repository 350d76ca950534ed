import { readFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, type System, startSystem } from '../test/harness.js';
import { launchBrowser, screenshot, signIn } from './browser.js';

/** This machine's CPU model as the kernel names it (what the agent reports). */
function cpuModel(): string {
  const line = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((l) => /^model name\s*:/.test(l));
  return (line?.split(':')[1] ?? '').trim().replace(/\s+/g, ' ');
}

/** A real (non-loopback) MAC address of this machine. */
function macAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (!a.internal && a.mac !== '00:00:00:00:00:00') return a.mac;
  }
  return undefined;
}

async function points(page: Page, testId: string): Promise<number> {
  return Number((await page.getByTestId(testId).getAttribute('data-points')) ?? '0');
}

describe('computer detail page in a real browser', () => {
  let sys: System;
  let browser: Browser;
  let computerId = '';

  beforeAll(async () => {
    sys = await startSystem();
    await sys.startRelay();
    const enrolled = await sys.enrollAgent();
    computerId = enrolled.computerId;
    sys.startAgent(enrolled.stateDir);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('opens from the fleet table and shows live charts, inventory, history, a command and a saved note', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signIn(page, sys.backendUrl, ADMIN_PASSWORD);
    const row = page.locator(`tr[data-hostname="${hostname()}"]`);
    await row.waitFor({ timeout: 30_000 });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 20_000 }).toBe('online');
    await row.getByRole('link', { name: hostname() }).click();

    await expect.poll(() => new URL(page.url()).pathname).toBe(`/computers/${computerId}`);
    await expect
      .poll(() => page.getByTestId('computer-name').textContent(), { timeout: 15_000 })
      .toBe(hostname());
    await expect
      .poll(() => page.getByTestId('live-mode').textContent(), { timeout: 20_000 })
      .toContain('Live');

    // Live: samples arrive about every second and the CPU chart plots each one.
    await expect.poll(() => points(page, 'live-cpu-chart'), { timeout: 30_000 }).toBeGreaterThan(1);
    const before = await points(page, 'live-cpu-chart');
    await expect.poll(() => points(page, 'live-cpu-chart'), { timeout: 30_000 }).toBeGreaterThan(before + 2);
    await expect
      .poll(() => page.getByTestId('processes-cpu').locator('tbody tr').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-cores]').getAttribute('data-cores')).not.toBe('0');
    await screenshot(page, 'computer-live-light');

    // Inventory: this machine's CPU model and a MAC address.
    await page.getByRole('tab', { name: 'Inventory' }).click();
    const hardware = page.getByTestId('inventory-hardware');
    await expect.poll(() => hardware.textContent(), { timeout: 10_000 }).toContain(cpuModel());
    const mac = macAddress();
    if (mac) await expect.poll(() => page.getByTestId('inventory-network').textContent()).toContain(mac);
    await expect.poll(() => page.getByTestId('inventory-os').textContent()).toContain(hostname());
    await screenshot(page, 'computer-inventory-light');

    // History: the last hour holds raw samples; 24 h switches to 1-minute buckets.
    await page.getByRole('tab', { name: 'History' }).click();
    await expect.poll(() => points(page, 'history-cpu-chart'), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('history-charts').getAttribute('data-resolution')).toBe('raw');
    await page.getByTestId('history-range').getByText('24 h').click();
    await expect
      .poll(() => page.getByTestId('history-charts').getAttribute('data-resolution'), { timeout: 15_000 })
      .toBe('1m');
    await expect.poll(() => page.getByTestId('history-caption').textContent()).toContain('1-minute averages');
    await page.getByTestId('history-range').getByText('1 h').click();
    await expect
      .poll(() => page.getByTestId('history-charts').getAttribute('data-resolution'), { timeout: 15_000 })
      .toBe('raw');
    await screenshot(page, 'computer-history-light');

    // Console: a shell line runs on this computer and its output shows.
    await page.getByRole('tab', { name: 'Commands' }).click();
    await page.getByRole('textbox', { name: 'Command', exact: true }).fill('echo hello-from-the-console');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect
      .poll(() => page.getByTestId('console-output').textContent(), { timeout: 30_000 })
      .toContain('hello-from-the-console\n');
    await expect
      .poll(() => page.getByTestId('console-status').textContent(), { timeout: 30_000 })
      .toBe('succeeded');
    await expect
      .poll(() => page.getByTestId('recent-commands').textContent(), { timeout: 15_000 })
      .toContain('echo hello-from-the-console');
    await screenshot(page, 'computer-commands-light');

    // Notes: saved, and still there after a reload.
    await page.getByRole('tab', { name: 'Manage' }).click();
    const note = 'Projector cable is loose; use the left HDMI port.';
    await page.getByLabel('Notes').fill(note);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByText('Changes saved.').count(), { timeout: 10_000 }).toBe(1);
    await page.reload();
    await expect.poll(() => page.getByTestId('computer-notes').textContent(), { timeout: 15_000 }).toBe(note);
    expect(await page.getByLabel('Notes').inputValue()).toBe(note);
    const stored = await sys.api.json<{ notes: string | null }>('GET', `/api/v1/computers/${computerId}`);
    expect(stored.notes).toBe(note);
    await screenshot(page, 'computer-manage-light');
    await page.close();
  });

  it('looks right dark on a desktop and on a 768 px tablet', async () => {
    for (const [name, viewport] of [
      ['desktop', { width: 1440, height: 900 }],
      ['tablet', { width: 768, height: 1024 }],
    ] as const) {
      for (const colorScheme of ['dark', 'light'] as const) {
        if (name === 'desktop' && colorScheme === 'light') continue;
        const page = await browser.newPage({ viewport, colorScheme });
        await signIn(page, `${sys.backendUrl}/computers/${computerId}`, ADMIN_PASSWORD);
        await expect
          .poll(() => page.getByTestId('computer-name').textContent(), { timeout: 20_000 })
          .toBe(hostname());
        await expect.poll(() => points(page, 'live-cpu-chart'), { timeout: 30_000 }).toBeGreaterThan(4);
        await screenshot(page, `computer-live-${colorScheme}-${name}`);
        if (name === 'desktop') {
          await page.getByRole('tab', { name: 'History' }).click();
          await expect.poll(() => points(page, 'history-cpu-chart'), { timeout: 15_000 }).toBeGreaterThan(0);
          await screenshot(page, `computer-history-${colorScheme}-${name}`);
          await page.getByRole('tab', { name: 'Inventory' }).click();
          await page.getByTestId('inventory-hardware').waitFor();
          await screenshot(page, `computer-inventory-${colorScheme}-${name}`);
        }
        await page.close();
      }
    }
  });
});
