import { type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

/**
 * The relay's logger: one JSON object per line on stdout, for journald,
 * Docker or any log shipper.
 */
export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({ name: 'labmgr-relay', level });
}
