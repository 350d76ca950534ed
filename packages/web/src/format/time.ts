import { MISSING } from './bytes.js';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration in seconds as its two largest units.
 * @example formatUptime(273_600) // "3 d 4 h"
 * @example formatUptime(4500) // "1 h 15 min"
 * @example formatUptime(42) // "42 s"
 */
export function formatUptime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return MISSING;
  const s = Math.floor(seconds);
  if (s < MINUTE) return `${s} s`;
  if (s < HOUR) return `${Math.floor(s / MINUTE)} min`;
  if (s < DAY) {
    const h = Math.floor(s / HOUR);
    const min = Math.floor((s % HOUR) / MINUTE);
    return min > 0 ? `${h} h ${min} min` : `${h} h`;
  }
  const d = Math.floor(s / DAY);
  const h = Math.floor((s % DAY) / HOUR);
  return h > 0 ? `${d} d ${h} h` : `${d} d`;
}

/** Milliseconds since the epoch of an ISO timestamp, a Date or epoch milliseconds; NaN if invalid. */
export function toEpochMs(value: string | number | Date): number {
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  return Date.parse(value);
}

/**
 * How long ago `then` was, relative to `now`, in the largest whole unit.
 * Timestamps slightly in the future (clock skew) read as "just now".
 * @example formatRelative('2024-01-01T12:00:00Z', Date.parse('2024-01-01T12:05:30Z')) // "5 min ago"
 */
export function formatRelative(then: string | number | Date, now: number): string {
  const ms = toEpochMs(then);
  if (!Number.isFinite(ms)) return MISSING;
  const s = Math.floor((now - ms) / 1000);
  if (s < 5) return 'just now';
  if (s < MINUTE) return `${s} s ago`;
  if (s < HOUR) return `${Math.floor(s / MINUTE)} min ago`;
  if (s < DAY) return `${Math.floor(s / HOUR)} h ago`;
  if (s < 365 * DAY) return `${Math.floor(s / DAY)} d ago`;
  return `${Math.floor(s / (365 * DAY))} y ago`;
}

export interface DateTimeOptions {
  /** BCP 47 locale. @default the browser's locale */
  locale?: string;
  /** IANA time zone. @default the browser's time zone */
  timeZone?: string;
}

/**
 * A full local date and time with the time-zone name, for tooltips.
 * @example formatDateTime('2024-03-01T08:30:00Z', { locale: 'en-GB', timeZone: 'Europe/Berlin' })
 * // "1 Mar 2024, 09:30:00 CET"
 */
export function formatDateTime(value: string | number | Date, options: DateTimeOptions = {}): string {
  const ms = toEpochMs(value);
  if (!Number.isFinite(ms)) return MISSING;
  return dateTimeFormat(options).format(ms);
}

/** Building an Intl formatter is costly and a table shows hundreds of dates: keep one per locale and zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat({ locale, timeZone }: DateTimeOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${timeZone ?? ''}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'short',
      timeZone,
    });
    formatters.set(key, format);
  }
  return format;
}
