import { MISSING } from './bytes.js';
import { formatRelative, toEpochMs } from './time.js';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How far ahead `then` is, in the largest whole unit; a moment already past
 * reads as `formatRelative` does ("5 min ago"). For expiry dates.
 * @example formatUntil('2024-01-02T12:00:00Z', Date.parse('2024-01-01T12:00:00Z')) // "in 1 d"
 */
export function formatUntil(then: string | number | Date, now: number): string {
  const ms = toEpochMs(then);
  if (!Number.isFinite(ms)) return MISSING;
  if (ms <= now) return formatRelative(ms, now);
  const s = Math.floor((ms - now) / 1000);
  if (s < MINUTE) return `in ${s} s`;
  if (s < HOUR) return `in ${Math.floor(s / MINUTE)} min`;
  if (s < DAY) return `in ${Math.floor(s / HOUR)} h`;
  if (s < 365 * DAY) return `in ${Math.floor(s / DAY)} d`;
  return `in ${Math.floor(s / (365 * DAY))} y`;
}

/**
 * A lifetime in seconds as words, for choices such as "Expires after".
 * @example formatLifetime(86_400) // "1 day"
 * @example formatLifetime(30 * 86_400) // "30 days"
 */
export function formatLifetime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return MISSING;
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (seconds % (365 * DAY) === 0) return unit(seconds / (365 * DAY), 'year');
  if (seconds % DAY === 0) return unit(seconds / DAY, 'day');
  if (seconds % HOUR === 0) return unit(seconds / HOUR, 'hour');
  if (seconds % MINUTE === 0) return unit(seconds / MINUTE, 'minute');
  return unit(seconds, 'second');
}
