import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResultFrame } from '@labmgr/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandJournal, JOURNAL_FILE } from './journal.js';

const DAY = 24 * 3600_000;
let dir: string;
let clock: number;
const now = () => clock;

function result(commandId: string, status: CommandResultFrame['status'] = 'succeeded'): CommandResultFrame {
  return {
    type: 'command-result',
    commandId,
    status,
    exitCode: 0,
    signal: null,
    startedAt: clock,
    finishedAt: clock,
    durationMs: 0,
    truncated: false,
    message: null,
  };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-journal-'));
  clock = Date.UTC(2025, 0, 1);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CommandJournal', () => {
  it('persists results across reopen, in a private file', async () => {
    const id = randomUUID();
    const journal = await CommandJournal.open(dir, { now });
    await journal.recordStarted(id, clock + 60_000, clock);
    await journal.recordResult(clock + 60_000, result(id));
    await journal.close();
    const again = await CommandJournal.open(dir, { now });
    expect(again.get(id)).toMatchObject({ startedAt: clock, result: result(id) });
    expect((await stat(join(dir, JOURNAL_FILE))).mode & 0o777).toBe(0o600);
    await again.close();
  });

  it('turns "started without result" into a failed result at open', async () => {
    const id = randomUUID();
    const journal = await CommandJournal.open(dir, { now });
    await journal.recordStarted(id, clock + 60_000, clock - 5000);
    // no close: the agent "died"
    const restarted = await CommandJournal.open(dir, { now });
    expect(restarted.get(id)?.result).toMatchObject({
      status: 'failed',
      message: 'agent restarted while the command ran',
      startedAt: clock - 5000,
      durationMs: 5000,
    });
    await restarted.close();
    await journal.close();
  });

  it('skips a torn last line and reports it', async () => {
    const id = randomUUID();
    const journal = await CommandJournal.open(dir, { now });
    await journal.recordResult(clock + 60_000, result(id));
    await journal.close();
    await appendFile(join(dir, JOURNAL_FILE), '{"id":"abc","at":17');
    let skipped = 0;
    const again = await CommandJournal.open(dir, { now, onSkipped: (n) => (skipped = n) });
    expect(skipped).toBe(1);
    expect(again.get(id)?.result?.status).toBe('succeeded');
    await again.close();
  });

  it('forgets old ids past the bounds, but never one whose command could still run', async () => {
    const journal = await CommandJournal.open(dir, { now, maxEntries: 3 });
    const expired = [randomUUID(), randomUUID()];
    const live = randomUUID();
    for (const id of expired) await journal.recordResult(clock - 2 * DAY, result(id));
    await journal.recordResult(clock + DAY, result(live));
    await journal.recordResult(clock + DAY, result(randomUUID()));
    await journal.recordResult(clock + DAY, result(randomUUID()));
    expect(journal.get(expired[0] ?? '')).toBeUndefined();
    expect(journal.get(expired[1] ?? '')).toBeUndefined();
    expect(journal.get(live)).toBeDefined();
    // Over the bound with nothing forgettable: keeps them all.
    await journal.recordResult(clock + DAY, result(randomUUID()));
    expect(journal.get(live)).toBeDefined();
    await journal.close();
  });

  it('forgets expired ids older than the age limit at open', async () => {
    const old = randomUUID();
    const journal = await CommandJournal.open(dir, { now });
    await journal.recordResult(clock + 60_000, result(old));
    await journal.close();
    clock += 31 * DAY;
    const later = await CommandJournal.open(dir, { now });
    expect(later.get(old)).toBeUndefined();
    await later.close();
  });

  it('compacts the file when it grows to twice its entries', async () => {
    const journal = await CommandJournal.open(dir, { now, maxEntries: 5 });
    const id = randomUUID();
    for (let i = 0; i < 30; i++) await journal.recordStarted(id, clock + 60_000, clock + i);
    await journal.close();
    const lines = (await readFile(join(dir, JOURNAL_FILE), 'utf8')).trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(10);
  });
});
