import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Levels accepted by `LABMGR_LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * JSON-lines logger for the `run` process. Writes to stdout unless a
 * destination is given (tests pass an in-memory stream).
 */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const options = { name: 'labmgr-agent', level };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that discards everything, for library use and tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
