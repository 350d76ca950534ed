import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';

export interface TestCert {
  readonly key: string;
  readonly cert: string;
  /** As Node's `fingerprint256`: colon-separated upper-case hex. */
  readonly fingerprint: string;
}

/** A fresh self-signed certificate for 127.0.0.1, made with the openssl CLI (Node cannot issue one). */
export function selfSignedCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'labmgr-agent-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=labmgr-test',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert,
      fingerprint: new X509Certificate(cert).fingerprint256,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An https server on 127.0.0.1, port 0, that records every request and
 * upgrade it receives (to prove a refused client sent nothing) and accepts
 * WebSocket upgrades; `onRequest` answers plain requests.
 */
export class TlsServer {
  readonly upgrades: IncomingMessage[] = [];
  readonly requests: Array<{ url: string | undefined; body: string }> = [];
  readonly sockets: WebSocket[] = [];
  /** Text of every WebSocket message received, on any socket. */
  readonly messages: string[] = [];
  onRequest: (body: string) => { status: number; body: unknown } = () => ({ status: 404, body: {} });
  private readonly wss = new WebSocketServer({ noServer: true });
  private constructor(private readonly server: Server) {
    server.on('request', (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        this.requests.push({ url: req.url, body });
        const answer = this.onRequest(body);
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrades.push(req);
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.sockets.push(ws);
        ws.on('message', (data) => this.messages.push(String(data)));
      });
    });
  }

  static async start(cert: TestCert): Promise<TlsServer> {
    const server = createServer({ key: cert.key, cert: cert.cert });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TlsServer(server);
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
