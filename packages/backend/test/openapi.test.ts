import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComputerList, ComputerSummary } from '@labmgr/protocol';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { RouteOptions } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Access } from '../src/auth/access.js';
import { loadConfig } from '../src/config.js';
import { type RunningServer, startServer } from '../src/server.js';
import { databases } from './databases.js';

const PASSWORD = 'correct horse battery staple';
const DOCS = '/api/docs';

interface Operation {
  operationId?: string;
  tags?: string[];
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
}
type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema; [k: string]: unknown };
interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Record<string, string>> };
}

/** One API route as Fastify registered it (HEAD duplicates and the docs' own routes left out). */
interface RegisteredRoute {
  method: string;
  url: string;
  access: Access | undefined;
  route: RouteOptions;
}

const SECURITY: Record<Access['kind'], Record<string, string[]>[]> = {
  public: [],
  relay: [{ relayToken: [] }],
  user: [{ sessionCookie: [] }, { apiToken: [] }],
};

/** `/api/v1/computers/:id` → `/api/v1/computers/{id}` */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('OpenAPI document', () => {
  let server: RunningServer;
  let dataDir: string;
  let drop: () => Promise<void>;
  let doc: OpenApiDoc;
  let docResponse: Response;
  const registered: RegisteredRoute[] = [];

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { headers });

  const resolve = (schema: Schema): Schema => {
    const ref = schema.$ref;
    if (!ref) return schema;
    const target = doc.components.schemas[ref.replace('#/components/schemas/', '')];
    if (!target) throw new Error(`dangling ${ref}`);
    return resolve(target);
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'labmgr-openapi-'));
    // A built web UI, so its SPA fallback is in place while the docs' assets are fetched.
    const webDir = join(dataDir, 'web');
    mkdirSync(webDir);
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Lab Manager SPA</title>');
    const database = databases[0];
    if (!database) throw new Error('no database');
    const db = await database.create();
    drop = db.drop;
    const cfg = {
      ...loadConfig({ LABMGR_DATA_DIR: dataDir, LABMGR_PORT: '0', LABMGR_HOST: '127.0.0.1' }),
      databaseUrl: db.url,
      adminPassword: PASSWORD,
      webDir,
    };
    server = await startServer(cfg, {
      logger: pino({ level: 'silent' }),
      onRoute: (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        for (const method of methods) {
          if (method === 'HEAD') continue;
          // Outside /api/ is the web UI's static files; /api/docs is Swagger UI itself.
          if (!route.url.startsWith('/api/') || route.url === DOCS || route.url.startsWith(`${DOCS}/`))
            continue;
          registered.push({ method, url: route.url, access: route.config?.access, route });
        }
      },
    });
    docResponse = await get('/api/v1/openapi.json');
    doc = (await docResponse.clone().json()) as OpenApiDoc;
  });

  afterAll(async () => {
    await server?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is served publicly at /api/v1/openapi.json, cacheable', async () => {
    expect(docResponse.status).toBe(200);
    expect(docResponse.headers.get('content-type')).toMatch(/^application\/json/);
    expect(docResponse.headers.get('cache-control')).toMatch(/public/);
    const etag = docResponse.headers.get('etag');
    expect(etag).toBeTruthy();
    expect((await get('/api/v1/openapi.json', { 'if-none-match': etag ?? '' })).status).toBe(304);
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBe('Lab Manager');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('passes the OpenAPI schema validator', async () => {
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    if (!result.valid) console.error(JSON.stringify(result.errors, null, 2));
    expect(result.valid).toBe(true);
  });

  it('documents every registered API route with its method, and nothing else', () => {
    expect(registered.length).toBeGreaterThan(10);
    const expected = registered.map((r) => `${r.method} ${openApiPath(r.url)}`).sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(expected);
  });

  it('derives each operation from the route’s zod schemas', () => {
    const missing: string[] = [];
    for (const { method, url, route } of registered) {
      const op = doc.paths[openApiPath(url)]?.[method.toLowerCase()];
      const where = `${method} ${url}`;
      if (!op) {
        missing.push(`${where}: not documented`);
        continue;
      }
      if (route.websocket) {
        if (!op.responses['101']) missing.push(`${where}: WebSocket upgrade (101) not documented`);
        continue;
      }
      const schema = route.schema ?? {};
      const response = (schema.response ?? {}) as Record<string, unknown>;
      if (Object.keys(response).length === 0) missing.push(`${where}: no response schema`);
      for (const status of Object.keys(response)) {
        if (!op.responses[status]) missing.push(`${where}: response ${status} missing`);
      }
      const nonNull = Object.keys(response).filter((s) => !['204', '304'].includes(s));
      for (const status of nonNull) {
        // A download (the agent's files, install.sh) declares its own media type with `content`.
        const declared = (response[status] as { content?: Record<string, unknown> }).content;
        const mediaTypes = declared ? Object.keys(declared) : ['application/json'];
        for (const mediaType of mediaTypes) {
          if (!op.responses[status]?.content?.[mediaType]?.schema)
            missing.push(`${where}: response ${status} has no ${mediaType} schema`);
        }
      }
      if (schema.body && !op.requestBody?.content['application/json']?.schema)
        missing.push(`${where}: request body missing`);
      if (schema.params && !op.parameters?.some((p) => p.in === 'path'))
        missing.push(`${where}: path parameters missing`);
      if (schema.querystring && !op.parameters?.some((p) => p.in === 'query'))
        missing.push(`${where}: query parameters missing`);
      if (!op.tags?.length) missing.push(`${where}: no tag`);
    }
    expect(missing).toEqual([]);
  });

  it('gives each operation the security its access rule demands', () => {
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'apiToken',
      'relayToken',
      'sessionCookie',
    ]);
    expect(doc.components.securitySchemes.sessionCookie).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'labmgr_session',
    });
    for (const { method, url, access } of registered) {
      const op = doc.paths[openApiPath(url)]?.[method.toLowerCase()];
      expect(access, `${method} ${url} declares config.access`).toBeDefined();
      if (!op || !access) continue;
      expect(op.security, `${method} ${url}`).toEqual(SECURITY[access.kind]);
      if (access.kind === 'user') expect(op.description).toContain(`Roles: ${access.roles.join(', ')}.`);
      if (url.startsWith('/api/v1/internal/')) expect(op.tags).toEqual(['internal']);
    }
    expect(doc.paths['/api/v1/health']?.get?.security).toEqual([]);
    expect(doc.paths['/api/v1/relays']?.get?.description).toContain('Roles: admin.');
  });

  it('describes GET /api/v1/computers with the fields the protocol defines', () => {
    const op = doc.paths['/api/v1/computers']?.get;
    const schema = op?.responses['200']?.content?.['application/json']?.schema;
    expect(schema).toBeDefined();
    const list = resolve(schema as Schema);
    expect(Object.keys(list.properties ?? {}).sort()).toEqual(Object.keys(ComputerList.shape).sort());
    const item = resolve(list.properties?.items?.items as Schema);
    expect(Object.keys(item.properties ?? {}).sort()).toEqual(Object.keys(ComputerSummary.shape).sort());
    // Query parameters come from ComputerListQuery; errors share one shape.
    expect(op?.parameters?.every((p) => p.in === 'query')).toBe(true);
    const error = resolve(op?.responses.default?.content?.['application/json']?.schema as Schema);
    expect(Object.keys(error.properties ?? {})).toEqual(['error']);
  });

  it('serves Swagger UI at /api/docs with its assets, not the web UI', async () => {
    for (const path of [DOCS, `${DOCS}/`]) {
      const page = await get(path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('swagger-ui');
    }
    const css = await get(`${DOCS}/static/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const init = await get(`${DOCS}/static/swagger-initializer.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain('SwaggerUIBundle');
    const json = await get(`${DOCS}/json`);
    expect(await json.json()).toEqual(doc);
    // A missing asset is an API 404, not the SPA's index.html.
    const missing = await get(`${DOCS}/static/nope.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    // …while the web UI still gets its fallback.
    expect(await (await get('/fleet')).text()).toContain('Lab Manager SPA');
  });
});
