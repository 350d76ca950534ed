import { hostname } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, type System, startSystem } from '../test/harness.js';
import { chooseSegment, launchBrowser, screenshot, signIn } from './browser.js';

/** The fleet dashboard's filters, tile view and selection, against a real backend and agent. */
describe('fleet dashboard', () => {
  let sys: System;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    sys = await startSystem();
    await sys.startRelay();
    const { stateDir } = await sys.enrollAgent();
    sys.startAgent(stateDir);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signIn(page, sys.backendUrl, ADMIN_PASSWORD);
    await page
      .locator(`tr[data-hostname="${hostname()}"][data-status="online"]`)
      .waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('filters by search, status and lab, and says when nothing matches', async () => {
    const row = page.locator(`tr[data-hostname="${hostname()}"]`);
    await page.getByLabel('Search by name or user').fill('no-such-computer-here');
    await expect.poll(() => page.getByText(/no computers match/i).count()).toBeGreaterThan(0);
    await page.getByLabel('Clear search').click();
    await expect.poll(() => row.count()).toBe(1);

    await chooseSegment(page, /^Offline/);
    await expect.poll(() => row.count()).toBe(0);
    await chooseSegment(page, /^All/);
    await expect.poll(() => row.count()).toBe(1);

    // An unplaced computer is under "No lab".
    await page.getByPlaceholder('Every lab').click();
    await page.getByRole('option', { name: 'No lab' }).click();
    await expect.poll(() => row.count()).toBe(1);
    await screenshot(page, 'fleet-table');
  });

  it('selects computers for a bulk action and shows them as tiles', async () => {
    await page.getByLabel(`Select every computer shown`).check();
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toMatch(/^1 selected/);
    // A bulk action on the selection: a command that really runs on the agent.
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: /Run command/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Command' }).fill('echo from-the-fleet');
    await dialog.getByRole('button', { name: 'Run' }).click();
    await expect
      .poll(() => page.getByText('Command sent to 1 computer').count(), { timeout: 15_000 })
      .toBe(1);
    const jobs = await sys.api.json<{ items: Array<{ command: string }> }>('GET', '/api/v1/commands');
    expect(jobs.items.map((j) => j.command)).toContain('echo from-the-fleet');
    await chooseSegment(page, 'Tiles');
    const tile = page.locator(`li[data-hostname="${hostname()}"]`);
    await tile.waitFor();
    expect(await tile.getAttribute('data-selected')).toBe('true');
    expect(['ok', 'busy', 'alerting']).toContain(await tile.getAttribute('data-state'));
    await screenshot(page, 'fleet-tiles');
    await tile.getByRole('checkbox').uncheck();
    await expect.poll(() => page.getByTestId('selection-count').count()).toBe(0);
    // The choice of view is remembered.
    await page.reload();
    await page.locator(`li[data-hostname="${hostname()}"]`).waitFor({ timeout: 30_000 });
  });

  it('fits a tablet in dark mode, with the navigation behind the menu button', async () => {
    const tablet = await browser.newPage({ viewport: { width: 768, height: 1024 }, colorScheme: 'dark' });
    await signIn(tablet, sys.backendUrl, ADMIN_PASSWORD);
    await tablet.locator(`[data-hostname="${hostname()}"]`).first().waitFor({ timeout: 30_000 });
    expect(await tablet.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    const nav = tablet.getByRole('navigation', { name: 'Main' });
    // Folded away, the navigation sits off the left edge of the screen.
    const onScreen = async () => ((await nav.boundingBox())?.x ?? -1) >= 0;
    expect(await onScreen()).toBe(false);
    await screenshot(tablet, 'fleet-tablet-dark');
    await tablet.getByRole('button', { name: 'Open navigation' }).click();
    await nav.getByRole('link', { name: 'Labs' }).waitFor();
    await expect.poll(onScreen).toBe(true);
    await tablet.waitForTimeout(400); // the slide-in transition
    await screenshot(tablet, 'fleet-tablet-dark-nav');
    await nav.getByRole('link', { name: 'Fleet' }).click();
    await expect.poll(onScreen).toBe(false);
    await tablet.close();
  });
});
