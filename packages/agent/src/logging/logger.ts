import { hostname } from 'node:os';
import { prettyDestination } from './pretty.js';

/** Levels accepted by `LABMGR_LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `json`: one JSON object per line (services, log shippers); `pretty`: one readable line per entry. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Where log lines go: anything with `write(line)` (stdout, a file stream, an array in a test). */
export interface DestinationStream {
  write(line: string): unknown;
}

type LogMethod = {
  (msg: string): void;
  (fields: Record<string, unknown>, msg?: string): void;
};

/**
 * The agent's logger: pino's calling convention and line format (`level`
 * 10–60, `time`, `pid`, `hostname`, `name`, fields, `msg`; errors under
 * `err` as type/message/stack), so log shippers set up for the relay and
 * backend read the agent's lines the same way. The agent writes a few lines
 * an hour; pino itself (its worker-thread transports, fast serializers)
 * would cost ~2 MiB of a 15 MiB memory budget.
 */
export interface Logger {
  readonly level: LogLevel;
  fatal: LogMethod;
  error: LogMethod;
  warn: LogMethod;
  info: LogMethod;
  debug: LogMethod;
  trace: LogMethod;
  child(bindings: Record<string, unknown>): Logger;
}

const LEVEL_VALUES: Readonly<Record<LogLevel, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

/**
 * Logger for the `run` process, writing to stdout unless a destination is
 * given (tests pass an in-memory stream).
 */
export function createLogger(
  level: LogLevel = 'info',
  destination?: DestinationStream,
  format: LogFormat = 'json',
): Logger {
  const out = format === 'pretty' ? prettyDestination(destination) : (destination ?? process.stdout);
  const base = `"pid":${process.pid},"hostname":${JSON.stringify(hostname())},"name":"labmgr-agent"`;
  return new LineLogger(level, out, base);
}

/** A logger that discards everything, for library use and tests. */
export function silentLogger(): Logger {
  return new LineLogger('silent', { write: () => undefined }, '');
}

class LineLogger implements Logger {
  readonly fatal: LogMethod;
  readonly error: LogMethod;
  readonly warn: LogMethod;
  readonly info: LogMethod;
  readonly debug: LogMethod;
  readonly trace: LogMethod;

  constructor(
    readonly level: LogLevel,
    private readonly out: DestinationStream,
    /** `"pid":…,"hostname":…` and the bindings of parent loggers, already encoded. */
    private readonly prefix: string,
  ) {
    this.fatal = this.method('fatal');
    this.error = this.method('error');
    this.warn = this.method('warn');
    this.info = this.method('info');
    this.debug = this.method('debug');
    this.trace = this.method('trace');
  }

  child(bindings: Record<string, unknown>): Logger {
    return new LineLogger(this.level, this.out, joinFields(this.prefix, encodeFields(bindings)));
  }

  private method(level: Exclude<LogLevel, 'silent'>): LogMethod {
    const value = LEVEL_VALUES[level];
    if (value < LEVEL_VALUES[this.level]) return () => undefined;
    return ((fieldsOrMsg: Record<string, unknown> | string, msg?: string) => {
      const fields = typeof fieldsOrMsg === 'string' ? '' : encodeFields(fieldsOrMsg);
      const text = typeof fieldsOrMsg === 'string' ? fieldsOrMsg : msg;
      let line = joinFields(`{"level":${value},"time":${Date.now()}`, this.prefix);
      line = joinFields(line, fields);
      if (text !== undefined) line = joinFields(line, `"msg":${JSON.stringify(text)}`);
      this.out.write(`${line}}\n`);
    }) as LogMethod;
  }
}

function joinFields(a: string, b: string): string {
  if (b === '') return a;
  return a === '' || a.endsWith('{') ? `${a}${b}` : `${a},${b}`;
}

function encodeFields(fields: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${safeJson(value instanceof Error ? serializeError(value) : value)}`);
  }
  return parts.join(',');
}

function serializeError(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { type: err.name, message: err.message, stack: err.stack };
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined) out.code = code;
  if (err.cause instanceof Error) out.cause = serializeError(err.cause);
  return out;
}

/** A field that cannot be encoded (a cycle, a BigInt) must not cost the line. */
function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return JSON.stringify(String(value));
  }
}
