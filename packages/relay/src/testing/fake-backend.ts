// Test double of the backend's three internal routes, on a real HTTP server
// (port 0), so relay tests exercise the real HTTP client without the real
// backend. Not part of the build (see tsconfig.json).
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AgentAuthRequest,
  type IngestBatch,
  IngestBatch as IngestBatchSchema,
  PresenceBody,
  type PresenceEvent,
} from '@labmgr/protocol';

export interface FakeBackend {
  url: string;
  /** Credential -> identity the fake accepts. */
  agents: Map<string, { computerId: string; hostname: string }>;
  batches: IngestBatch[];
  presence: PresenceEvent[];
  /** Requests seen, by path, with their Authorization header. */
  requests: Array<{ path: string; authorization: string | undefined }>;
  /** Answer the next N ingest calls with this status instead of storing. */
  failIngest(times: number, status?: number): void;
  /** Hold every ingest call (unanswered) until the returned function is called: a slow backend. */
  holdIngest(): () => void;
  /** Answer the next N presence calls with 503. */
  failPresence(times: number): void;
  /** Answer every agent-auth call with 503 (true) or normally (false). */
  authDown: boolean;
  /** Resolves once `predicate()` holds, re-checked after every request. */
  until(predicate: () => boolean): Promise<void>;
  close(): Promise<void>;
}

export const RELAY_TOKEN = 'relay-test-token';

export async function startFakeBackend(): Promise<FakeBackend> {
  const changed = new EventEmitter();
  let ingestFailures: { times: number; status: number } = { times: 0, status: 503 };
  let presenceFailures = 0;
  let held: Array<() => void> | undefined;
  const fake: FakeBackend = {
    url: '',
    agents: new Map(),
    batches: [],
    presence: [],
    requests: [],
    authDown: false,
    failIngest(times, status = 503) {
      ingestFailures = { times, status };
    },
    holdIngest() {
      held ??= [];
      return () => {
        const waiting = held ?? [];
        held = undefined;
        for (const answer of waiting) answer();
      };
    },
    failPresence(times) {
      presenceFailures = times;
    },
    async until(predicate) {
      while (!predicate()) await once(changed, 'request');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer((req, res) => {
    void readJson(req).then((body) => {
      const answer = () => {
        try {
          handle(req.url ?? '', req.headers.authorization, body, res);
        } finally {
          changed.emit('request');
        }
      };
      if (held && req.url === '/api/v1/internal/ingest') held.push(answer);
      else answer();
    });
  });

  function handle(path: string, authorization: string | undefined, body: unknown, res: ServerResponse) {
    fake.requests.push({ path, authorization });
    if (authorization !== `Bearer ${RELAY_TOKEN}`)
      return reply(res, 401, error('unauthorized', 'bad relay token'));
    if (path === '/api/v1/internal/agent-auth') {
      if (fake.authDown) return reply(res, 503, error('unavailable', 'database down'));
      const request = AgentAuthRequest.safeParse(body);
      const agent = request.success ? fake.agents.get(request.data.credential) : undefined;
      return agent ? reply(res, 200, agent) : reply(res, 401, error('unauthorized', 'unknown credential'));
    }
    if (path === '/api/v1/internal/ingest') {
      if (ingestFailures.times > 0) {
        ingestFailures.times -= 1;
        return reply(res, ingestFailures.status, error('failure', 'injected failure'));
      }
      const batch = IngestBatchSchema.safeParse(body);
      if (!batch.success) return reply(res, 400, error('invalid', batch.error.message));
      fake.batches.push(batch.data);
      const highest = new Map<string, number>();
      for (const item of batch.data.items) {
        if (item.frame.type !== 'metrics') continue;
        highest.set(item.computerId, Math.max(highest.get(item.computerId) ?? 0, item.frame.seq));
      }
      return reply(res, 200, { acks: [...highest].map(([computerId, seq]) => ({ computerId, seq })) });
    }
    if (path === '/api/v1/internal/presence') {
      if (presenceFailures > 0) {
        presenceFailures -= 1;
        return reply(res, 503, error('failure', 'injected failure'));
      }
      const parsed = PresenceBody.safeParse(body);
      if (!parsed.success) return reply(res, 400, error('invalid', parsed.error.message));
      fake.presence.push(...parsed.data.events);
      res.writeHead(204).end();
      return;
    }
    reply(res, 404, error('not_found', path));
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function error(code: string, message: string) {
  return { error: { code, message } };
}
