import { MISSING } from './bytes.js';
import { type DateTimeOptions, toEpochMs } from './time.js';

/** Intl formatters are costly to build and a log shows hundreds of times: one per locale, zone and shape. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter({ locale, timeZone }: DateTimeOptions, withYear: boolean): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${timeZone ?? ''}|${withYear}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      year: withYear ? 'numeric' : undefined,
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZone,
    });
    formatters.set(key, format);
  }
  return format;
}

function yearOf(ms: number, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat('en', { year: 'numeric', timeZone }).format(ms);
}

/**
 * A compact local date and time for log tables: no time-zone name, and the
 * year only when it is not the current one (`now`'s).
 * @example formatShortDateTime('2024-03-01T08:30:00Z', Date.parse('2024-06-01T00:00:00Z'), { locale: 'en-GB', timeZone: 'Europe/Berlin' })
 * // "1 Mar, 09:30:00"
 */
export function formatShortDateTime(
  value: string | number | Date,
  now: number,
  options: DateTimeOptions = {},
): string {
  const ms = toEpochMs(value);
  if (!Number.isFinite(ms)) return MISSING;
  const withYear = yearOf(ms, options.timeZone) !== yearOf(now, options.timeZone);
  return formatter(options, withYear).format(ms);
}
