import type { DestinationStream } from './logger.js';

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields every line has; the pretty form shows them in its own way or not at all. */
const OMITTED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name', 'err']);

/**
 * A pino destination that turns each JSON line into
 * `2024-05-01T10:00:00.000Z INFO  connected to relay relayId=r1 unacked=0`,
 * plus the stack of a logged error. No extra dependency (pino-pretty pulls
 * in a dozen packages) for what a person reading a terminal needs.
 */
export function prettyDestination(out?: DestinationStream): DestinationStream {
  const write = out ? (text: string) => out.write(text) : (text: string) => process.stdout.write(text);
  return { write: (line: string) => write(formatLogLine(line)) };
}

export function formatLogLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null) return line;
    record = Object.fromEntries(Object.entries(parsed));
  } catch {
    return line;
  }
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString() : '';
  const level = (typeof record.level === 'number' ? LEVEL_NAMES[record.level] : undefined) ?? 'LOG';
  const fields = Object.entries(record)
    .filter(([key]) => !OMITTED.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const err = record.err;
  const stack =
    typeof err === 'object' && err !== null && 'stack' in err && typeof err.stack === 'string'
      ? `\n    ${err.stack.replace(/\n/g, '\n    ')}`
      : '';
  return `${[time, level.padEnd(5), String(record.msg ?? ''), ...fields].join(' ')}${stack}\n`;
}
