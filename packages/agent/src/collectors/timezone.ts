import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { clip } from './limits.js';
import { readValue } from './read.js';

/**
 * The machine's IANA time zone, e.g. "Europe/Paris": the agent's TZ if set,
 * else where /etc/localtime points (what `timedatectl set-timezone` writes),
 * else /etc/timezone (Debian's older record). Only when none of those tell is
 * Intl asked: its first use loads ICU's time zone data, which costs the agent
 * ~2 MiB of private and ~6 MiB of shared memory for the rest of its life.
 */
export function readTimezone(etcRoot = '/etc', env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.TZ?.replace(/^:/, '');
  const zone =
    (fromEnv && isZoneName(fromEnv) ? fromEnv : null) ??
    zoneFromLink(etcRoot) ??
    zoneIfName(readValue(join(etcRoot, 'timezone'))) ??
    Intl.DateTimeFormat().resolvedOptions().timeZone ??
    'UTC';
  return clip(zone, 64);
}

function zoneFromLink(etcRoot: string): string | null {
  try {
    const target = readlinkSync(join(etcRoot, 'localtime'));
    const at = target.indexOf('zoneinfo/');
    return at < 0 ? null : zoneIfName(target.slice(at + 'zoneinfo/'.length));
  } catch {
    return null;
  }
}

function zoneIfName(value: string | null): string | null {
  return value && isZoneName(value) ? value : null;
}

/** "Europe/Paris", "UTC", "America/Argentina/Buenos_Aires"; not a path or a POSIX rule like "CET-1CEST". */
function isZoneName(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value) && !/\d[A-Z]/.test(value);
}
