import type { IncomingMessage } from 'node:http';
import { errorBodyMessage } from '../http/error-body.js';

/** Enough for an error body; a refusal page is not worth more memory. */
const MAX_BODY_BYTES = 4096;
const BODY_TIMEOUT_MS = 5000;

/**
 * Reads the body of an HTTP response that refused the WebSocket upgrade
 * (401 bad credential, 503 backend unreachable, …) so the log can say why.
 * Bounded in size and time: a misbehaving server cannot stall the reconnect.
 */
export function readRefusalBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => {
      clearTimeout(timer);
      res.removeAllListeners('data');
      resolve(Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY_BYTES).trim());
    };
    const timer = setTimeout(finish, BODY_TIMEOUT_MS);
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_BODY_BYTES) finish();
    });
    res.once('end', finish);
    res.once('error', finish);
    res.once('close', finish);
  });
}

/** What to log for a refusal: the API error message if the body is one, else the body text. */
export function refusalMessage(body: string): string {
  return errorBodyMessage(body) ?? body;
}

/** The log line and status text for a refused upgrade (401/403 suggest the credential is the problem). */
export function describeRefusal(
  status: number,
  body: string,
): { message: string; lastError: string; logLine: string } {
  const message = refusalMessage(body);
  const hint = status === 401 || status === 403 ? ' (credential rejected: re-enroll this agent?)' : '';
  return {
    message,
    lastError: `relay refused the connection: HTTP ${status}${message ? ` ${message}` : ''}`,
    logLine: `relay refused the connection${hint}`,
  };
}
