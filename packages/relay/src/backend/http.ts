import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

/** What came back from one HTTP call, or why nothing did. Never a thrown error. */
export type HttpOutcome =
  | {
      kind: 'response';
      status: number;
      body: unknown;
      text: string;
      /** The `Retry-After` header as sent, if any. */
      retryAfter?: string | undefined;
    }
  | { kind: 'network-error'; reason: string };

export interface PostJsonOptions {
  /** Bearer token sent as `Authorization`. */
  token: string;
  /** Abort the whole call (connect, send, read the body) after this long. */
  timeoutMs: number;
  /** Connection pool; @default {@link defaultPool} */
  pool?: ConnectionPool;
}

/** Keep-alive connections to the backend, a bounded number per origin. */
export interface ConnectionPool {
  http: HttpAgent;
  https: HttpsAgent;
  /** Closes the idle connections (in-flight ones close when their call ends). */
  destroy(): void;
}

/**
 * A pool of keep-alive connections: reusing them spares a TCP (and TLS)
 * handshake per call. `maxSockets` bounds the connections per origin (calls
 * beyond it wait for a free one); an idle connection is closed after
 * `idleMs`, well before a server's usual keep-alive timeout (Node's 5 s), so
 * a call rarely meets a connection the server is closing.
 */
export function createConnectionPool(
  options: {
    maxSockets?: number;
    idleMs?: number;
    /** PEM certificate trusted for https besides the system CAs (a self-signed backend's). */
    ca?: string | undefined;
  } = {},
): ConnectionPool {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 16,
    maxFreeSockets: options.maxSockets ?? 16,
    // For a free socket: closed after this long idle.
    timeout: options.idleMs ?? 4000,
    scheduling: 'lifo' as const,
  };
  const http = new HttpAgent(agentOptions);
  const https = new HttpsAgent({
    ...agentOptions,
    ...(options.ca ? { ca: [...rootCertificates, options.ca] } : {}),
  });
  return {
    http,
    https,
    destroy() {
      http.destroy();
      https.destroy();
    },
  };
}

/** The pool `postJson` uses when given none (one per process). */
export const defaultPool: ConnectionPool = createConnectionPool();

/**
 * POSTs a JSON body. A non-JSON or empty response body yields `body: undefined`
 * (the caller validates it with a schema anyway); `text` keeps the raw body,
 * capped, for log lines.
 */
export async function postJson(url: URL, payload: unknown, options: PostJsonOptions): Promise<HttpOutcome> {
  let text: string;
  try {
    text = JSON.stringify(payload);
  } catch (err) {
    return { kind: 'network-error', reason: `could not encode the body: ${describeError(err)}` };
  }
  return postJsonText(url, text, options);
}

/**
 * Like {@link postJson}, for a body already encoded as JSON text.
 *
 * A call that fails on a reused keep-alive connection before any answer
 * (the server closed it just as it was reused) is tried once more on a new
 * connection; every caller's call is safe to repeat (the backend dedups
 * ingest, and a failed call is retried by its caller anyway).
 */
export async function postJsonText(url: URL, json: string, options: PostJsonOptions): Promise<HttpOutcome> {
  const body = Buffer.from(json, 'utf8');
  const deadline = Date.now() + options.timeoutMs;
  const first = await attempt(url, body, options, deadline);
  if (first.kind !== 'stale-connection') return first;
  const second = await attempt(url, body, options, deadline);
  return second.kind === 'stale-connection' ? { kind: 'network-error', reason: second.reason } : second;
}

type Attempt = HttpOutcome | { kind: 'stale-connection'; reason: string };

function attempt(url: URL, body: Buffer, options: PostJsonOptions, deadline: number): Promise<Attempt> {
  const pool = options.pool ?? defaultPool;
  const tls = url.protocol === 'https:';
  return new Promise<Attempt>((resolve) => {
    let settled = false;
    let req: ClientRequest | undefined;
    const finish = (outcome: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(
      () => {
        finish({ kind: 'network-error', reason: 'timed out' });
        req?.destroy();
      },
      Math.max(0, deadline - Date.now()),
    );
    let answered = false;
    try {
      req = (tls ? httpsRequest : httpRequest)(
        url,
        {
          method: 'POST',
          agent: tls ? pool.https : pool.http,
          headers: {
            authorization: `Bearer ${options.token}`,
            'content-type': 'application/json',
            accept: 'application/json',
            'content-length': body.length,
          },
        },
        (res: IncomingMessage) => {
          answered = true;
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (err) => finish({ kind: 'network-error', reason: describeError(err) }));
          res.on('aborted', () => finish({ kind: 'network-error', reason: 'response aborted' }));
          res.on('end', () => {
            const text =
              chunks.length === 1
                ? (chunks[0] as Buffer).toString('utf8')
                : Buffer.concat(chunks).toString('utf8');
            const retryAfter = res.headers['retry-after'];
            finish({
              kind: 'response',
              status: res.statusCode ?? 0,
              body: parseJson(text),
              text: text.slice(0, 2000),
              ...(retryAfter === undefined ? {} : { retryAfter }),
            });
          });
        },
      );
    } catch (err) {
      // An invalid URL or header value: nothing was sent.
      finish({ kind: 'network-error', reason: describeError(err) });
      return;
    }
    const sent = req;
    sent.on('error', (err: NodeJS.ErrnoException) => {
      const reason = describeError(err);
      const stale = sent.reusedSocket && !answered && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      finish(stale ? { kind: 'stale-connection', reason } : { kind: 'network-error', reason });
    });
    sent.end(body);
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${err.message}: ${code}` : err.message;
  }
  return String(err);
}
