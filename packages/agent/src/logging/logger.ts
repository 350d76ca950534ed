import { type DestinationStream, type Logger, pino } from 'pino';
import { prettyDestination } from './pretty.js';

export type { Logger } from 'pino';

/** Levels accepted by `LABMGR_LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `json`: one JSON object per line (services, log shippers); `pretty`: one readable line per entry. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Logger for the `run` process, writing to stdout unless a destination is
 * given (tests pass an in-memory stream).
 */
export function createLogger(
  level: LogLevel = 'info',
  destination?: DestinationStream,
  format: LogFormat = 'json',
): Logger {
  const options = { name: 'labmgr-agent', level };
  if (format === 'pretty') return pino(options, prettyDestination(destination));
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that discards everything, for library use and tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
