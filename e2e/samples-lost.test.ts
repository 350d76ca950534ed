import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, eventually, type System, sleep, startSystem } from '../test/harness.js';
import { launchBrowser, screenshot, signIn } from './browser.js';

/** Issue 13: the samples an agent lost show on its page and can be filtered for in the fleet. */
describe('samples lost in a real browser', () => {
  let sys: System;
  let browser: Browser;
  let computerId = '';

  beforeAll(async () => {
    sys = await startSystem();
    // The agent starts with no relay to reach and a 2-sample buffer: it loses samples until the relay comes.
    const enrolled = await sys.enrollAgent('lossy');
    computerId = enrolled.computerId;
    sys.startAgent(enrolled.stateDir, {
      LABMGR_AGENT_INTERVAL_MS: '250',
      LABMGR_AGENT_BUFFER_MAX_SAMPLES: '2',
    });
    await sleep(2500);
    await sys.startRelay();
    // A second computer that loses nothing.
    sys.startAgent((await sys.enrollAgent('steady')).stateDir);
    await eventually(
      async () =>
        (await sys.api.json<{ samplesLost: number }>('GET', `/api/v1/computers/${computerId}`)).samplesLost >
          0 || undefined,
      30_000,
      'the loss reported',
    );
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('filters the fleet to computers that lost samples and shows the count on the computer page', async () => {
    const { samplesLost } = await sys.api.json<{ samplesLost: number }>(
      'GET',
      `/api/v1/computers/${computerId}`,
    );
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signIn(page, sys.backendUrl, ADMIN_PASSWORD);
    await expect.poll(() => page.locator('tr[data-computer-id]').count(), { timeout: 30_000 }).toBe(2);
    const lossy = page.getByLabel('Lost samples (1)');
    await lossy.waitFor({ timeout: 30_000 });
    await lossy.check();
    const rows = page.locator('tr[data-computer-id]');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-computer-id')).toBe(computerId);
    await screenshot(page, 'fleet-lost-samples-filter');

    await page.goto(`${sys.backendUrl}/computers/${computerId}`);
    const fact = page.getByTestId('samples-lost');
    await expect.poll(() => fact.textContent(), { timeout: 15_000 }).toMatch(/^\d[\d,]* \(last .+\)$/);
    expect(Number((await fact.textContent())?.split(' ')[0]?.replace(/,/g, ''))).toBeGreaterThanOrEqual(
      samplesLost,
    );
    await screenshot(page, 'computer-samples-lost');
  }, 90_000);
});
