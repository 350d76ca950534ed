import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ROOT } from '../test/harness.js';

/** Debian's Chromium, driven headless; Playwright's own browser downloads are not available here. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Where e2e tests leave their screenshots (look at them: judge the page as a user would). */
export const SHOTS_DIR = join(ROOT, 'test-results');

/** Signs in through the login page at `baseUrl` (then the app shows the page the URL names). */
export async function signIn(
  page: Page,
  baseUrl: string,
  password: string,
  username = 'admin',
): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Saves a full-page screenshot as test-results/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true });
}

/**
 * Picks an option of a Mantine SegmentedControl by its accessible name: its
 * radio inputs are visually hidden, so the click goes to the input's label,
 * as a person's would.
 */
export async function chooseSegment(page: Page, name: string | RegExp): Promise<void> {
  const id = await page.getByRole('radio', { name }).first().getAttribute('id');
  await page.locator(`label[for="${id}"]`).click();
}
