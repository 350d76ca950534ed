import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

/** What a relay answered: its status and the JSON body (undefined when empty or not JSON). */
export interface ControlAnswer {
  status: number;
  body: unknown;
}

/**
 * Keep-alive HTTP(S) connections to the relays' control APIs. Over https a
 * relay must present a certificate that verifies against the system CAs or,
 * when given, `trustedCert` — the server's own certificate, which relays on
 * other machines may present too (LABMGR_TLS=auto hands out one certificate).
 */
export class ControlHttp {
  readonly #http = new HttpAgent({ keepAlive: true, maxSockets: 16, timeout: 4000 });
  readonly #https: HttpsAgent;

  constructor(trustedCert?: string) {
    this.#https = new HttpsAgent({
      keepAlive: true,
      maxSockets: 16,
      timeout: 4000,
      ...(trustedCert ? { ca: [...rootCertificates, trustedCert] } : {}),
    });
  }

  /** Sends `body` as JSON; rejects on network errors and after `timeoutMs`. */
  call(url: URL, method: string, token: string, body: unknown, timeoutMs: number): Promise<ControlAnswer> {
    const secure = url.protocol === 'https:';
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)(
        url,
        {
          method,
          agent: secure ? this.#https : this.#http,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            accept: 'application/json',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            clearTimeout(deadline);
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text === '' ? undefined : JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      // The whole call, not only socket inactivity, is bounded.
      const deadline = setTimeout(
        () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      req.on('error', (err) => {
        clearTimeout(deadline);
        reject(err);
      });
      req.end(payload);
    });
  }

  /** Closes idle connections. */
  destroy(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}
