import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import fastifySwagger, { type SwaggerTransform, type SwaggerTransformObject } from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import * as protocol from '@labmgr/protocol';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Access, PUBLIC } from '../auth/access.js';
import { SESSION_COOKIE } from '../auth/auth.service.js';
import { SERVER_VERSION } from '../version.js';

/** Where the OpenAPI document and the browsable docs are served. */
export const OPENAPI_PATH = '/api/v1/openapi.json';
export const DOCS_PREFIX = '/api/docs';

/** @fastify/swagger's key for a response's description inside its schema. */
const X_RESPONSE_DESCRIPTION = 'x-response-description';

/** Names of the security schemes, as used in each operation's `security`. */
export const SECURITY_SCHEMES = {
  session: 'sessionCookie',
  apiToken: 'apiToken',
  relayToken: 'relayToken',
} as const;

/** What an operation's `security` is for a route's `config.access`. */
export function securityFor(access: Access): { [scheme: string]: string[] }[] {
  switch (access.kind) {
    case 'public':
      return [];
    case 'relay':
      return [{ [SECURITY_SCHEMES.relayToken]: [] }];
    case 'user':
      return [{ [SECURITY_SCHEMES.session]: [] }, { [SECURITY_SCHEMES.apiToken]: [] }];
  }
}

const TAGS: { name: string; description: string }[] = [
  { name: 'auth', description: 'Sign-in, sessions and API tokens' },
  { name: 'computers', description: 'Enrolled computers, their inventory, metrics and actions' },
  { name: 'enrollment', description: 'Enrollment tokens, the agent enroll exchange and the agent download' },
  { name: 'relays', description: 'Relays registered with this backend' },
  { name: 'users', description: 'User accounts and roles' },
  { name: 'audit', description: 'The append-only audit log' },
  { name: 'live', description: 'Live updates to browsers over a WebSocket' },
  { name: 'system', description: 'Health and this document' },
  { name: 'internal', description: 'Called only by relays, with their service token' },
];

/** First path segment after `/api/v1/` → tag, where the segment is not the tag itself. */
const TAG_BY_SEGMENT: Record<string, string> = {
  'enrollment-tokens': 'enrollment',
  agents: 'enrollment',
  'agent-package': 'enrollment',
  'api-tokens': 'auth',
  health: 'system',
  'openapi.json': 'system',
};

function tagFor(url: string): string {
  const segment = url.replace(/^\/api\/v\d+\//, '').split('/')[0] ?? '';
  return TAG_BY_SEGMENT[segment] ?? (segment || 'system');
}

const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');

/** `GET /api/v1/computers/:id/metrics` → `getComputersByIdMetrics`. */
function operationIdFor(method: string, url: string): string {
  const parts = url
    .replace(/^\/api\/v\d+\//, '')
    .split('/')
    .map((p) => (p.startsWith(':') ? `By${pascal(p.slice(1))}` : pascal(p)));
  return method.toLowerCase() + parts.join('');
}

/**
 * Every zod schema the protocol package exports becomes a named component
 * (`#/components/schemas/ComputerList`, inputs suffixed `Input`); the ones no
 * operation references are dropped from the document.
 */
function protocolRegistry() {
  const registry = z.registry<{ id?: string | undefined; [key: string]: unknown }>();
  for (const [name, value] of Object.entries(protocol)) {
    if (!(value instanceof z.core.$ZodType) || registry.has(value)) continue;
    // Keep `.describe()`/`.meta()` text, which zod keeps in its global registry.
    registry.add(value, { ...z.globalRegistry.get(value), id: name });
  }
  return registry;
}

function isDocumented(url: string): boolean {
  return url.startsWith('/api/') && url !== DOCS_PREFIX && !url.startsWith(`${DOCS_PREFIX}/`);
}

function describeAccess(access: Access | undefined, method: string): string {
  if (!access) return 'No access rule is declared: every call is refused.';
  if (access.kind === 'public') return 'Public: no credentials needed.';
  if (access.kind === 'relay') return 'Relays only, with their service token.';
  const read = method === 'GET' || method === 'HEAD';
  return `Roles: ${access.roles.join(', ')}. A session cookie or an API token${read ? '' : ' with the `write` scope'}.`;
}

function buildTransform(registry: ReturnType<typeof protocolRegistry>): SwaggerTransform {
  const zodTransform = createJsonSchemaTransform({ schemaRegistry: registry, skipList: [] });
  // @fastify/swagger needs parameters inline (it cannot expand a `$ref` into parameters).
  const inlineTransform = createJsonSchemaTransform({ schemaRegistry: z.registry(), skipList: [] });
  return (doc) => {
    const { url, route } = doc;
    if (!isDocumented(url)) return { schema: { ...doc.schema, hide: true }, url };
    const access = route.config?.access;
    const method = (Array.isArray(route.method) ? route.method[0] : route.method) ?? 'GET';
    const { hide, ...own }: FastifySchema = doc.schema ?? {};
    // @fastify/websocket hides its routes; ours are documented unless the route asks otherwise.
    if (hide && !route.websocket) return { schema: { ...own, hide }, url };
    const declared = route.websocket ? { ...own, ...websocketSchema(own) } : own;
    const schema: FastifySchema & Record<string, unknown> = {
      ...declared,
      tags: declared.tags ?? [url.startsWith('/api/v1/internal/') ? 'internal' : tagFor(url)],
      operationId: declared.operationId ?? operationIdFor(method, url),
      description: [declared.description, describeAccess(access, method)].filter(Boolean).join('\n\n'),
      'x-access': access?.kind ?? 'none',
    };
    if (access) schema.security = securityFor(access);
    if (access?.kind === 'user') schema['x-roles'] = [...access.roles];
    // "200: OK" rather than @fastify/swagger's "Default Response"; a `$ref` cannot carry it, a response object can.
    const response = Object.fromEntries(
      Object.entries((schema.response ?? {}) as Record<string, unknown>).map(([status, value]) => [
        status,
        value instanceof z.core.$ZodType && value._zod.def.type !== 'null'
          ? {
              description: STATUS_CODES[status] ?? status,
              content: { 'application/json': { schema: value } },
            }
          : value,
      ]),
    );
    schema.response = response;
    // Every failure has the one error shape (src/http/error-handler.ts).
    if (Object.keys(response).length > 0 && !('default' in response)) {
      schema.response = {
        ...response,
        default: {
          description: 'Error: `{"error":{"code","message","details"?}}`',
          content: { 'application/json': { schema: protocol.ErrorBody } },
        },
      };
    }
    const out = zodTransform({ ...doc, schema });
    // The same for bodiless answers (`z.null()`: 204, 304).
    const responses = out.schema.response as Record<string, Record<string, unknown>> | undefined;
    for (const [status, json] of Object.entries(responses ?? {})) {
      const text = STATUS_CODES[status];
      if (text && !json.description && !json.content) json[X_RESPONSE_DESCRIPTION] = text;
    }
    const { params, querystring, headers } = schema;
    if (params || querystring || headers) {
      const inline = inlineTransform({ ...doc, schema: { params, querystring, headers } }).schema;
      out.schema = {
        ...out.schema,
        params: inline.params,
        querystring: inline.querystring,
        headers: inline.headers,
      };
    }
    return out;
  };
}

/** A WebSocket route has no HTTP body: document the upgrade and the messages it then sends. */
function websocketSchema(declared: FastifySchema): FastifySchema {
  return {
    description:
      declared.description ??
      'WebSocket. After the upgrade the server sends JSON text messages, each one a `LiveEvent`; ' +
        'anything the client sends is ignored. Browsers must send their own Origin.',
    response: {
      101: {
        description: 'Switching Protocols; then one `LiveEvent` per message',
        content: { 'application/json': { schema: protocol.LiveEvent } },
      },
    },
  };
}

/** Drops components no operation reaches, and declares every tag an operation uses. */
function buildTransformObject(registry: ReturnType<typeof protocolRegistry>): SwaggerTransformObject {
  const addComponents = createJsonSchemaTransformObject({ schemaRegistry: registry });
  return (doc) => {
    const full = addComponents(doc) as {
      paths?: Record<string, Record<string, { tags?: string[] }>>;
      components?: { schemas?: Record<string, unknown> };
      tags?: { name: string }[];
    };
    const schemas = full.components?.schemas ?? {};
    const kept: Record<string, unknown> = {};
    const queue: unknown[] = [full.paths];
    while (queue.length > 0) {
      const node = queue.pop();
      if (Array.isArray(node)) queue.push(...node);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
            const name = value.slice('#/components/schemas/'.length);
            if (!(name in kept) && name in schemas) {
              kept[name] = schemas[name];
              queue.push(schemas[name]);
            }
          } else queue.push(value);
        }
      }
    }
    const sorted = Object.fromEntries(Object.entries(kept).sort(([a], [b]) => a.localeCompare(b)));
    const used = new Set(
      Object.values(full.paths ?? {}).flatMap((ops) => Object.values(ops).flatMap((op) => op.tags ?? [])),
    );
    const tags = [
      ...TAGS.filter((t) => used.has(t.name)),
      ...[...used].filter((name) => !TAGS.some((t) => t.name === name)).map((name) => ({ name })),
    ];
    return {
      ...full,
      tags,
      components: { ...full.components, schemas: sorted },
    } as ReturnType<SwaggerTransformObject>;
  };
}

/**
 * Generates the OpenAPI 3.1 document from every route registered after this
 * call (their zod schemas, `config.access`), serves it at `OPENAPI_PATH` and
 * Swagger UI at `DOCS_PREFIX`. Register before the routes.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const registry = protocolRegistry();
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lab Manager',
        version: SERVER_VERSION,
        description:
          `The Lab Manager backend API (protocol ${protocol.PROTOCOL_VERSION}). ` +
          'Errors are `{"error":{"code","message","details"?}}`. ' +
          'Writes made with the session cookie must come from this server’s own origin.',
      },
      servers: [{ url: '/', description: 'This server' }],
      components: {
        securitySchemes: {
          [SECURITY_SCHEMES.session]: {
            type: 'apiKey',
            in: 'cookie',
            name: SESSION_COOKIE,
            description: 'The session cookie set by `POST /api/v1/auth/login`.',
          },
          [SECURITY_SCHEMES.apiToken]: {
            type: 'http',
            scheme: 'bearer',
            description: 'A user’s API token: `Authorization: Bearer <token>`.',
          },
          [SECURITY_SCHEMES.relayToken]: {
            type: 'http',
            scheme: 'bearer',
            description:
              'A relay service token (`labmgr-server relay-token create`): `Authorization: Bearer <token>`. ' +
              'Accepted only by the internal routes.',
          },
        },
      },
    },
    transform: buildTransform(registry),
    transformObject: buildTransformObject(registry),
  });

  let cached: { body: string; etag: string } | undefined;
  app.get(
    OPENAPI_PATH,
    {
      config: { access: PUBLIC },
      schema: {
        summary: 'This OpenAPI document',
        response: { 200: z.record(z.string(), z.unknown()), 304: z.null() },
      },
    },
    async (req, reply) => {
      if (!cached) {
        const body = JSON.stringify(app.swagger());
        cached = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
      }
      reply.header('cache-control', 'public, max-age=300').header('etag', cached.etag);
      if (req.headers['if-none-match'] === cached.etag) return reply.status(304).send();
      return reply.type('application/json; charset=utf-8').send(cached.body);
    },
  );

  // Swagger UI's own routes (page, assets, its copy of the document) are public.
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route: RouteOptions) => {
      route.config = { ...route.config, access: PUBLIC };
    });
    await docs.register(fastifySwaggerUi, {
      routePrefix: DOCS_PREFIX,
      uiConfig: { deepLinking: true, docExpansion: 'list' },
    });
  });
}
