import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { PinnedTlsAgent } from './tls-pin.js';

/** Enough for any API answer; a larger body is cut (and will fail its schema check). */
const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly body: string;
}

export interface PostJsonOptions {
  /** Whole exchange, connect to last byte. */
  readonly timeoutMs: number;
  /** The certificate fingerprint to pin (then the URL must be https); `null` verifies against the system CAs. */
  readonly pin: string | null;
}

/** A plain `http:` URL together with a pin: refused before any connection is made. */
export class InsecureUrlError extends Error {
  override readonly name = 'InsecureUrlError';
}

/** The exchange took longer than `timeoutMs`. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
}

/**
 * POSTs a JSON body and reads the answer as text. Built on `node:http(s)`
 * rather than `fetch` because fetch cannot pin a certificate: over https
 * every connection goes through `PinnedTlsAgent`, which refuses a wrong
 * certificate before the body (an enrollment token) is sent.
 * Rejects with the network or certificate error; any HTTP status resolves.
 * With a pin, only `https:` is allowed: anything else rejects with
 * `InsecureUrlError` and nothing is sent.
 */
export function postJson(url: URL, body: unknown, options: PostJsonOptions): Promise<HttpResponse> {
  const payload = JSON.stringify(body);
  const secure = url.protocol === 'https:';
  if (options.pin !== null && !secure) {
    return Promise.reject(
      new InsecureUrlError(
        `refusing ${url.origin}: a certificate is pinned, so only https:// URLs are used (got ${url.protocol}//)`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'content-length': Buffer.byteLength(payload),
      },
      ...(secure ? { agent: new PinnedTlsAgent(options.pin, options.timeoutMs) } : {}),
    });
    const timer = setTimeout(
      () => req.destroy(new RequestTimeoutError(`no answer within ${options.timeoutMs / 1000} s`)),
      options.timeoutMs,
    );
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      res.once('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    req.end(payload);
  });
}
