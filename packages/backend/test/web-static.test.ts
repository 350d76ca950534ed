import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases } from './databases.js';
import { startTestServer } from './test-server.js';

/** The web UI as `npm run build -w @labmgr/web` leaves it (with its .br and .gz copies). */
const BUILT_WEB = resolve(import.meta.dirname, '../../web/dist');
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as it came over the wire (not decompressed). */
  body: Buffer;
}

/** GET with exactly these headers; node:http adds no Accept-Encoding and decodes nothing. */
function get(base: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((res, rej) => {
    const req = request(`${base}${path}`, { headers }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks) }));
      r.on('error', rej);
    });
    req.on('error', rej);
    req.end();
  });
}

/** Byte equality (expect's toEqual walks a Buffer byte by byte: seconds for the entry script). */
const sameBytes = (a: Buffer, b: Buffer) =>
  expect(a.equals(b), `${a.length} bytes vs ${b.length}`).toBe(true);

const varies = (r: RawResponse) =>
  String(r.headers.vary ?? '')
    .toLowerCase()
    .split(/\s*,\s*/)
    .includes('accept-encoding');

describe('the built web UI over HTTP', () => {
  let webDir: string;
  let base: string;
  let close: () => Promise<void>;
  let html: string;
  let script: string;
  let style: string;

  beforeAll(async () => {
    if (!existsSync(join(BUILT_WEB, 'index.html'))) {
      throw new Error(`the web UI is not built in ${BUILT_WEB}: run "npm run build -w @labmgr/web" first`);
    }
    // A copy: a rebuild elsewhere during the suite cannot change the files under test, and the
    // rebuild-without-restart case can add files to it.
    webDir = mkdtempSync(join(tmpdir(), 'labmgr-web-static-'));
    cpSync(BUILT_WEB, webDir, { recursive: true });
    html = readFileSync(join(webDir, 'index.html'), 'utf8');
    script = /<script type="module"[^>]*src="([^"]+)"/.exec(html)?.[1] ?? '';
    style = /<link rel="stylesheet"[^>]*href="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(script).toMatch(/^\/assets\/.+\.js$/);
    expect(style).toMatch(/^\/assets\/.+\.css$/);
    const database = databases[0];
    if (!database) throw new Error('no database');
    const started = await startTestServer(database, { webDir });
    base = started.server.url;
    close = started.close;
  });

  afterAll(async () => {
    await close?.();
    if (webDir) rmSync(webDir, { recursive: true, force: true });
  });

  it('the build leaves a brotli and a gzip copy beside the entry script, styles and index.html', () => {
    for (const file of [script, style, '/index.html']) {
      const raw = readFileSync(join(webDir, file));
      sameBytes(brotliDecompressSync(readFileSync(join(webDir, `${file}.br`))), raw);
      sameBytes(gunzipSync(readFileSync(join(webDir, `${file}.gz`))), raw);
    }
  });

  it('sends brotli to a browser that accepts it: the same bytes once decompressed', async () => {
    for (const file of [script, style]) {
      const r = await get(base, file, { 'accept-encoding': 'br' });
      expect(r.status).toBe(200);
      expect(r.headers['content-encoding']).toBe('br');
      expect(r.headers['content-type']).toMatch(file.endsWith('.js') ? /javascript/ : /text\/css/);
      expect(varies(r)).toBe(true);
      const raw = readFileSync(join(webDir, file));
      expect(r.body.length).toBeLessThan(raw.length / 2);
      sameBytes(brotliDecompressSync(r.body), raw);
    }
    // What Chromium sends: br is preferred over gzip.
    const chrome = await get(base, script, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(chrome.headers['content-encoding']).toBe('br');
  });

  it('sends gzip when that is all the browser accepts', async () => {
    const r = await get(base, script, { 'accept-encoding': 'gzip' });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(varies(r)).toBe(true);
    sameBytes(gunzipSync(r.body), readFileSync(join(webDir, script)));
  });

  it('sends the file as is without Accept-Encoding, or when br/gzip are refused', async () => {
    const refusals: Record<string, string>[] = [
      {},
      { 'accept-encoding': 'identity' },
      { 'accept-encoding': 'br;q=0, gzip;q=0' },
    ];
    for (const headers of refusals) {
      const r = await get(base, script, headers);
      expect(r.status).toBe(200);
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(varies(r)).toBe(true);
      sameBytes(r.body, readFileSync(join(webDir, script)));
    }
  });

  it('caches hashed assets for a year as immutable, whatever the encoding', async () => {
    for (const encoding of ['br', 'gzip', 'identity']) {
      for (const file of [script, style]) {
        const r = await get(base, file, { 'accept-encoding': encoding });
        expect(r.headers['cache-control']).toBe(IMMUTABLE);
      }
    }
  });

  it('serves index.html at / and at client-side routes, compressed, revalidated on every use', async () => {
    for (const path of ['/', '/index.html', '/some/client/route', '/computers/abc?tab=metrics']) {
      const br = await get(base, path, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.status, path).toBe(200);
      expect(br.headers['content-type'], path).toMatch(/^text\/html/);
      expect(br.headers['content-encoding'], path).toBe('br');
      expect(br.headers['cache-control'], path).toBe('no-cache');
      expect(varies(br), path).toBe(true);
      expect(brotliDecompressSync(br.body).toString(), path).toBe(html);

      const plain = await get(base, path);
      expect(plain.status, path).toBe(200);
      expect(plain.headers['content-encoding'], path).toBeUndefined();
      expect(plain.headers['cache-control'], path).toBe('no-cache');
      expect(plain.body.toString(), path).toBe(html);
    }
  });

  it('answers a revalidation of index.html with 304 while it has not changed', async () => {
    const first = await get(base, '/', { 'accept-encoding': 'br' });
    const etag = String(first.headers.etag ?? '');
    expect(etag).not.toBe('');
    const again = await get(base, '/', { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
  });

  it('serves files of a rebuilt UI without a restart', async () => {
    const source = 'export const rebuilt = true;\n'.repeat(50);
    writeFileSync(join(webDir, 'assets/rebuilt-Xy12.js'), source);
    writeFileSync(join(webDir, 'assets/rebuilt-Xy12.js.br'), brotliCompressSync(source));
    const r = await get(base, '/assets/rebuilt-Xy12.js', { 'accept-encoding': 'br' });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers['cache-control']).toBe(IMMUTABLE);
    expect(brotliDecompressSync(r.body).toString()).toBe(source);
  });

  it('keeps /api/ paths out of the fallback', async () => {
    const r = await get(base, '/api/v1/no-such-route', { 'accept-encoding': 'br' });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body.toString())).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('without a built web UI', () => {
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const database = databases[0];
    if (!database) throw new Error('no database');
    const started = await startTestServer(database);
    base = started.server.url;
    close = started.close;
  });

  afterAll(async () => {
    await close?.();
  });

  it('answers 503 web_not_built outside /api/', async () => {
    const r = await get(base, '/some/client/route', { 'accept-encoding': 'br' });
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body.toString())).toMatchObject({ error: { code: 'web_not_built' } });
  });
});
