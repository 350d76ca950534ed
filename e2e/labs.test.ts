import { hostname } from 'node:os';
import type { ComputerDetail, Lab } from '@labmgr/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, type System, startSystem } from '../test/harness.js';
import { launchBrowser, screenshot, signIn } from './browser.js';

const VIEWER = { username: 'teacher', password: 'viewer-password-123' };
const DESKTOP = { width: 1440, height: 900 };
const TABLET = { width: 768, height: 1024 };
const LAB_NAME = 'Physics 101';

/** Computers enrolled without an agent: they exist, have never reported, and show offline. */
const OFFLINE_HOSTS = Array.from({ length: 16 }, (_, i) => `phy-${String(i + 5).padStart(2, '0')}`);

describe('labs and the room view in a real browser', () => {
  let sys: System;
  let browser: Browser;
  /** The computer of the first real agent: the one the tests drag around. */
  let mainId: string;
  /** Other real agents (online), named PHY-02… by an administrator. */
  const extraIds: string[] = [];
  const offlineIds: string[] = [];
  let labId = '';

  const computer = (id: string) => sys.api.json<ComputerDetail>('GET', `/api/v1/computers/${id}`);
  const seatOf = async (id: string) => (await computer(id)).seat;
  const tileAt = (page: Page, seat: string) =>
    page.locator(`[data-seat="${seat}"] [data-testid="seat-tile"]`);

  beforeAll(async () => {
    sys = await startSystem();
    await sys.startRelay();
    const main = await sys.enrollAgent('main');
    mainId = main.computerId;
    sys.startAgent(main.stateDir);
    for (let i = 0; i < 3; i++) {
      const extra = await sys.enrollAgent(`extra${i}`);
      extraIds.push(extra.computerId);
      // A slower sample rate: the extra agents are there to fill seats, not to be watched closely.
      sys.startAgent(extra.stateDir, { LABMGR_AGENT_INTERVAL_MS: '3000' });
      await sys.api.json('PATCH', `/api/v1/computers/${extra.computerId}`, {
        displayName: `PHY-0${i + 2}`,
      });
    }
    const { token } = await sys.api.json<{ token: string }>('POST', '/api/v1/enrollment-tokens', {
      uses: OFFLINE_HOSTS.length,
    });
    for (const host of OFFLINE_HOSTS) {
      const res = await fetch(`${sys.backendUrl}/api/v1/agents/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, hostname: host }),
      });
      const body = (await res.json()) as { computerId: string };
      offlineIds.push(body.computerId);
    }
    await sys.api.json('POST', '/api/v1/users', { ...VIEWER, role: 'viewer' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('an admin creates a lab, adds the computer and drags it onto a seat; it stays there after a reload', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await signIn(page, sys.backendUrl, ADMIN_PASSWORD);
    await page.getByTestId('live-status').waitFor();
    await page.goto(`${sys.backendUrl}/labs`);
    await page.getByText('No labs yet').waitFor();

    await page.getByRole('button', { name: 'New lab' }).click();
    const dialog = page.getByRole('dialog', { name: 'New lab' });
    await dialog.getByLabel('Name').fill(LAB_NAME);
    await dialog.getByLabel('Building').fill('North wing');
    await dialog.getByLabel('Room').fill('N-101');
    await dialog.getByLabel('Rows').fill('5');
    await dialog.getByLabel('Seats per row').fill('6');
    await screenshot(page, 'labs-create-dialog');
    await dialog.getByRole('button', { name: 'Create lab' }).click();

    // Creating opens the new room.
    await page.waitForURL(/\/labs\/[0-9a-f-]{36}$/);
    labId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    await expect.poll(() => page.getByTestId('room-title').textContent()).toBe(LAB_NAME);
    await expect.poll(() => page.getByTestId('empty-seat').count()).toBe(30);
    const lab = await sys.api.json<Lab>('GET', `/api/v1/labs/${labId}`);
    expect(lab).toMatchObject({ name: LAB_NAME, building: 'North wing', room: 'N-101', rows: 5, cols: 6 });

    // Bring the agent's computer into the lab (it has no seat yet).
    await page.getByRole('button', { name: /^Add computers/ }).click();
    const add = page.getByRole('dialog', { name: `Add computers to ${LAB_NAME}` });
    await add.getByRole('checkbox', { name: hostname(), exact: true }).check();
    await add.getByRole('button', { name: 'Add 1 computer' }).click();
    const waiting = page.locator(`[data-testid="unseated-item"][data-computer-id="${mainId}"]`);
    await waiting.waitFor();
    await expect.poll(async () => (await computer(mainId)).labId).toBe(labId);

    // Drag it from the side list onto row 2, seat 3.
    await waiting.dragTo(page.locator('[data-seat="2:3"]'));
    await expect.poll(() => tileAt(page, '2:3').getAttribute('data-computer-id')).toBe(mainId);
    await expect.poll(() => seatOf(mainId)).toEqual({ row: 2, col: 3 });
    // The side list follows the live events, which may arrive just after the server's answer.
    await expect.poll(() => page.getByTestId('unseated-item').count()).toBe(0);

    await page.reload();
    await tileAt(page, '2:3').waitFor();
    expect(await tileAt(page, '2:3').getAttribute('data-computer-id')).toBe(mainId);
    await expect.poll(() => tileAt(page, '2:3').getAttribute('data-state')).not.toBe('offline');
    await page.close();
  });

  it('moves a computer with the keyboard ("Move to seat…"), and swaps two by dragging one onto the other', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await signIn(page, sys.backendUrl, ADMIN_PASSWORD);
    await page.getByTestId('live-status').waitFor();
    await page.goto(`${sys.backendUrl}/labs/${labId}`);
    await tileAt(page, '2:3').waitFor();

    // Keyboard only: the tile's menu, then the row and seat pickers.
    await page.getByRole('button', { name: `Actions for ${hostname()}` }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Move to seat…' }).focus();
    await page.keyboard.press('Enter');
    const move = page.getByRole('dialog', { name: `Move ${hostname()}` });
    await move.getByRole('combobox', { name: 'Row' }).focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('option', { name: /^Row 1 / }).waitFor();
    // The list opens on the computer's row (2): one up is row 1.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect.poll(() => move.getByRole('combobox', { name: 'Row' }).inputValue()).toMatch(/^Row 1 /);
    await move.getByRole('combobox', { name: 'Seat' }).focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('option', { name: 'Seat 1: empty' }).waitFor();
    // The list opens on the chosen seat (3): two up is seat 1.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect.poll(() => move.getByRole('combobox', { name: 'Seat' }).inputValue()).toBe('Seat 1: empty');
    await screenshot(page, 'labs-move-dialog');
    await move.getByRole('button', { name: 'Move' }).press('Enter');
    await expect.poll(() => tileAt(page, '1:1').getAttribute('data-computer-id')).toBe(mainId);
    await expect.poll(() => seatOf(mainId)).toEqual({ row: 1, col: 1 });

    // Seated through the API while the page is open: the room follows live, without a reload.
    const [neighbour] = extraIds;
    if (!neighbour) throw new Error('no extra agent');
    await sys.api.json('PATCH', `/api/v1/computers/${neighbour}`, { labId, seat: { row: 1, col: 2 } });
    await expect.poll(() => tileAt(page, '1:2').getAttribute('data-computer-id')).toBe(neighbour);

    // Dropped onto a taken seat, the two computers swap.
    await tileAt(page, '1:1').dragTo(page.locator('[data-seat="1:2"]'));
    await expect.poll(() => seatOf(mainId)).toEqual({ row: 1, col: 2 });
    await expect.poll(() => seatOf(neighbour)).toEqual({ row: 1, col: 1 });
    await expect.poll(() => tileAt(page, '1:1').getAttribute('data-computer-id')).toBe(neighbour);
    expect(await tileAt(page, '1:2').getAttribute('data-computer-id')).toBe(mainId);

    // Dropped on the side list, a computer leaves its seat but stays in the lab…
    await tileAt(page, '1:1').dragTo(page.getByTestId('unseated-list'));
    await page.locator(`[data-testid="unseated-item"][data-computer-id="${neighbour}"]`).waitFor();
    await expect.poll(() => seatOf(neighbour)).toBeNull();
    expect((await computer(neighbour)).labId).toBe(labId);

    // …and an empty seat takes it back from its own dialog.
    await page.getByRole('button', { name: 'Row 1, seat 1: empty. Seat a computer here' }).click();
    const fill = page.getByRole('dialog', { name: 'Seat a computer at row 1, seat 1' });
    expect(await fill.getByRole('combobox', { name: 'Computer' }).inputValue()).toContain('PHY-02');
    await fill.getByRole('button', { name: 'Seat here' }).click();
    await expect.poll(() => seatOf(neighbour)).toEqual({ row: 1, col: 1 });
    await expect.poll(() => tileAt(page, '1:1').getAttribute('data-computer-id')).toBe(neighbour);
    await page.close();
  });

  /** Fills the room as a class would: most seats taken, a few computers waiting for one. */
  async function seatTheRest(): Promise<void> {
    const [, ...others] = extraIds;
    const seats = [
      { row: 1, col: 3 },
      { row: 1, col: 4 },
      { row: 1, col: 5 },
      { row: 1, col: 6 },
      { row: 2, col: 1 },
      { row: 2, col: 2 },
      { row: 2, col: 4 },
      { row: 2, col: 5 },
      { row: 3, col: 1 },
      { row: 3, col: 2 },
      { row: 3, col: 3 },
      { row: 3, col: 5 },
      { row: 3, col: 6 },
      { row: 4, col: 1 },
      { row: 4, col: 2 },
      { row: 4, col: 4 },
      { row: 5, col: 3 },
    ];
    const ids = [...others, ...offlineIds.slice(0, 14)];
    for (const [i, id] of ids.entries()) {
      await sys.api.json('PATCH', `/api/v1/computers/${id}`, { labId, seat: seats[i] ?? null });
    }
    // Two in the lab without a seat; the rest of the fleet stays in no lab.
    for (const id of offlineIds.slice(14, 16)) {
      await sys.api.json('PATCH', `/api/v1/computers/${id}`, { labId });
    }
  }

  it('room and selection actions ask for a confirmation naming how many computers', async () => {
    await seatTheRest();
    const inLab = 1 + extraIds.length + 16;
    const page = await browser.newPage({ viewport: DESKTOP });
    await signIn(page, sys.backendUrl, ADMIN_PASSWORD);
    await page.getByTestId('live-status').waitFor();
    await page.goto(`${sys.backendUrl}/labs/${labId}`);
    await expect.poll(() => page.getByTestId('seat-tile').count()).toBe(inLab - 2);
    expect(await page.getByTestId('unseated-item').count()).toBe(2);
    await expect.poll(() => page.getByTestId('room-online').textContent()).toBe(`4of ${inLab}`);

    // The whole room.
    await page.getByRole('button', { name: 'Room actions' }).click();
    await page.getByRole('menuitem', { name: 'Reboot…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: `Reboot ${inLab} computers…` }).click();
    await dialog.getByText(`Reboot ${inLab} computers in ${LAB_NAME}?`).waitFor();
    expect(await dialog.getByRole('button', { name: `Reboot ${inLab} computers`, exact: true }).count()).toBe(
      1,
    );
    await dialog.getByRole('button', { name: 'Back' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

    // A selection made with Ctrl-click.
    await tileAt(page, '1:2').click({ modifiers: ['Control'] });
    await tileAt(page, '1:1').click({ modifiers: ['Control'] });
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toBe('2 selected');
    expect(new URL(page.url()).pathname).toBe(`/labs/${labId}`);
    await screenshot(page, 'labs-room-selection');
    await page
      .getByRole('group', { name: 'Actions on the selected computers' })
      .getByRole('button', { name: 'Lock' })
      .click();
    await dialog.getByRole('button', { name: 'Lock 2 computers…' }).click();
    await dialog.getByText('Lock 2 computers?').waitFor();
    await dialog.getByRole('button', { name: 'Back' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Clear the selection' }).click();
    await expect.poll(() => page.getByTestId('selection-count').count()).toBe(0);

    // A plain click opens the computer.
    await tileAt(page, '1:2').click();
    await page.waitForURL(`**/computers/${mainId}`);
    await page.close();
  });

  it('a viewer sees the room but cannot drag, move or act', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await signIn(page, sys.backendUrl, VIEWER.password, VIEWER.username);
    await page.getByTestId('live-status').waitFor();
    await page.goto(`${sys.backendUrl}/labs/${labId}`);
    const tile = tileAt(page, '1:2');
    await tile.waitFor();
    expect(await tile.getAttribute('draggable')).toBe('false');
    expect(await page.getByRole('button', { name: 'Room actions' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Add computers/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: `Actions for ${hostname()}` }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Seat a computer here/ }).count()).toBe(0);

    await screenshot(page, 'labs-room-viewer');
    await tile.dragTo(page.locator('[data-seat="5:6"]'));
    expect(await tileAt(page, '5:6').count()).toBe(0);
    expect(await tile.getAttribute('data-computer-id')).toBe(mainId);
    expect(await seatOf(mainId)).toEqual({ row: 1, col: 2 });
    await page.close();
  });

  it('looks right: labs and the room, light and dark, desktop and tablet', async () => {
    // More rooms, as a school has them (empty for now).
    await sys.api.json('POST', '/api/v1/labs', {
      name: 'Chemistry 2',
      building: 'South wing',
      room: 'S-204',
      rows: 4,
      cols: 8,
    });
    await sys.api.json('POST', '/api/v1/labs', { name: 'Art studio', rows: 3, cols: 4 });
    for (const scheme of ['light', 'dark'] as const) {
      for (const [device, viewport] of [
        ['desktop', DESKTOP],
        ['tablet', TABLET],
      ] as const) {
        const page = await browser.newPage({ viewport, colorScheme: scheme });
        await signIn(page, sys.backendUrl, ADMIN_PASSWORD);
        await page.getByTestId('live-status').waitFor();
        await page.goto(`${sys.backendUrl}/labs`);
        const card = page.locator(`[data-testid="lab-card"][data-lab-id="${labId}"]`);
        await card.waitFor();
        await expect.poll(() => card.getByTestId('lab-online').textContent()).toBe('4 online');
        expect(await card.getByTestId('lab-offline').textContent()).toBe('16 offline');
        await screenshot(page, `labs-list-${device}-${scheme}`);

        await card.getByRole('link', { name: LAB_NAME }).click();
        await page.waitForURL(`**/labs/${labId}`);
        await expect.poll(() => page.getByTestId('seat-tile').count()).toBe(18);
        await expect.poll(() => page.getByTestId('room-online').textContent()).toBe('4of 20');
        await screenshot(page, `labs-room-${device}-${scheme}`);
        await page.close();
      }
    }
  });
});
