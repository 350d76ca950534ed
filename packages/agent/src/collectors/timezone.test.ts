import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTimezone } from './timezone.js';

let etc: string;
beforeEach(async () => {
  etc = await mkdtemp(join(tmpdir(), 'labmgr-agent-etc-'));
});
afterEach(async () => {
  await rm(etc, { recursive: true, force: true });
});

describe('readTimezone', () => {
  it('prefers TZ, then the /etc/localtime link, then /etc/timezone', async () => {
    await symlink('/usr/share/zoneinfo/America/Argentina/Buenos_Aires', join(etc, 'localtime'));
    await writeFile(join(etc, 'timezone'), 'Europe/Berlin\n');
    expect(readTimezone(etc, { TZ: ':Europe/Paris' })).toBe('Europe/Paris');
    expect(readTimezone(etc, {})).toBe('America/Argentina/Buenos_Aires');
    await rm(join(etc, 'localtime'));
    expect(readTimezone(etc, {})).toBe('Europe/Berlin');
  });

  it('ignores a POSIX rule in TZ and a copied (not linked) localtime', async () => {
    await writeFile(join(etc, 'localtime'), 'TZif2…');
    await writeFile(join(etc, 'timezone'), 'Etc/UTC\n');
    expect(readTimezone(etc, { TZ: 'CET-1CEST' })).toBe('Etc/UTC');
  });

  it('falls back to Intl when nothing names the zone', () => {
    expect(readTimezone(etc, {})).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
