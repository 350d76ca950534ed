import type { z } from 'zod';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Parses one text WebSocket frame against a schema. Never throws: a receiver
 * turns `reason` into a close reason or log line. The reason names the first
 * offending field and stays under the 123-byte limit of a close reason.
 */
export function parseFrame<S extends z.ZodType>(schema: S, text: string): ParseResult<z.infer<S>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'frame is not valid JSON' };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, reason: truncate(describeIssue(result.error.issues[0])) };
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid frame';
  const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  return `${path}: ${issue.message}`;
}

const encoder = new TextEncoder();

/** Close reasons are limited to 123 bytes by RFC 6455. */
export function truncate(reason: string, maxBytes = 120): string {
  const bytes = (s: string) => encoder.encode(s).length;
  if (bytes(reason) <= maxBytes) return reason;
  let out = reason;
  while (bytes(`${out}…`) > maxBytes) out = out.slice(0, -1);
  return `${out}…`;
}
