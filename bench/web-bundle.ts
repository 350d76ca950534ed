/**
 * What a browser downloads to show the web UI, measured in Chromium against
 * the real server: builds the web app into a temporary directory (with the
 * brotli and gzip copies the build writes), starts the built backend on it
 * (`startSystem`), and opens the UI in headless Chromium with the DevTools
 * protocol's Network events recording every request:
 *
 * - first visit: a fresh browser context (empty cache), `/` until the
 *   sign-in form is visible and the network has been quiet for 500 ms;
 * - repeat visit: a new tab in the same context (its HTTP cache kept),
 *   the same again. Hashed assets are `immutable`: they should come from
 *   the cache, 0 bytes over the wire; index.html is revalidated (304).
 *
 * Bytes over the wire are `Network.loadingFinished.encodedDataLength`
 * (compressed body plus response headers), per type: JS, CSS, HTML, other
 * (API calls, favicon, fonts). A response served from the cache counts as
 * a cached request, not a network one. Time to the app is from navigation
 * start to the sign-in form being visible. Each run notes the 1-minute load
 * average (os.loadavg) at its start. Budget: <= 300 KiB of JavaScript over
 * the wire on a first visit (issue 7).
 *
 *   npx tsx bench/web-bundle.ts [--runs 3] [--uncompressed] [--mbit 10 [--rtt 40]]
 *
 * `--uncompressed` deletes the .br/.gz copies from the build, so the server
 * sends every file as is (as it did before issue 13; its cache headers stay
 * the new ones), for the before/after comparison of a first visit. `--mbit N`
 * emulates a link of N Mbit/s each way with `--rtt` ms of round-trip latency
 * (Chromium's throttling), for time figures where bytes cost something: on
 * bare loopback they cost nearly nothing. Needs `npm run build` (the
 * backend) first. Prints a table and appends one JSON line to
 * bench/results/web-bundle.json.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BrowserContext, CDPSession } from 'playwright-core';
import { launchBrowser } from '../e2e/browser.js';
import { ROOT, startSystem } from '../test/harness.js';

const BUDGET_JS_WIRE = 300 * 1024;
const QUIET_MS = 500;

type Kind = 'js' | 'css' | 'html' | 'other';
const KINDS: Kind[] = ['js', 'css', 'html', 'other'];

interface Req {
  url: string;
  kind: Kind;
  /** The status the page saw (200 for a cached response revalidated by a 304). */
  status?: number;
  /** The status on the wire (Network.responseReceivedExtraInfo): 304 for a revalidation. */
  wireStatus?: number;
  encoding?: string;
  cacheControl?: string;
  fromCache: boolean;
  /** Response headers as received (0 when from the cache). */
  headerBytes: number;
  /** encodedDataLength at loadingFinished: headers + body over the wire. */
  wireBytes: number;
  done: boolean;
}

interface Visit {
  /** ms from navigation start to the sign-in form visible. */
  timeToAppMs: number;
  requests: number;
  networkRequests: number;
  cachedRequests: number;
  notModified: number;
  wire: Record<Kind, number>;
  wireTotal: number;
  /** Body bytes (wire minus headers) per type. */
  body: Record<Kind, number>;
  detail: {
    url: string;
    status?: number;
    wireStatus?: number;
    encoding?: string;
    cacheControl?: string;
    fromCache: boolean;
    wire: number;
  }[];
}

/** An emulated link (Chromium's network throttling) instead of bare loopback. */
interface Link {
  mbit: number;
  rttMs: number;
}

interface Run {
  run: number;
  loadavg1: number;
  first: Visit;
  repeat: Visit;
}

function kindOf(type: string | undefined, url: string, mime: string | undefined): Kind {
  if (type === 'Script' || /\.m?js(\?|$)/.test(url) || mime?.includes('javascript')) return 'js';
  if (type === 'Stylesheet' || /\.css(\?|$)/.test(url) || mime === 'text/css') return 'css';
  if (type === 'Document' || mime === 'text/html') return 'html';
  return 'other';
}

/** Records the Network events of one page until `summary()`. */
async function recordNetwork(cdp: CDPSession, link: Link | undefined) {
  const reqs = new Map<string, Req>();
  const wireStatus = new Map<string, number>();
  let lastActivity = Date.now();
  const touch = () => {
    lastActivity = Date.now();
  };
  cdp.on('Network.requestWillBeSent', (e) => {
    touch();
    // A redirect reuses the id: the new request replaces the old one's entry.
    reqs.set(e.requestId, {
      url: e.request.url,
      kind: kindOf(e.type, e.request.url, undefined),
      fromCache: false,
      headerBytes: 0,
      wireBytes: 0,
      done: false,
    });
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    touch();
    const r = reqs.get(e.requestId);
    if (r) r.fromCache = true;
  });
  cdp.on('Network.responseReceived', (e) => {
    touch();
    const r = reqs.get(e.requestId);
    if (!r) return;
    const h = Object.fromEntries(
      Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    r.kind = kindOf(e.type, r.url, e.response.mimeType);
    r.status = e.response.status;
    r.encoding = h['content-encoding'];
    r.cacheControl = h['cache-control'];
    if (e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.fromServiceWorker)
      r.fromCache = true;
    r.headerBytes = e.response.encodedDataLength;
  });
  cdp.on('Network.responseReceivedExtraInfo', (e) => {
    wireStatus.set(e.requestId, e.statusCode);
  });
  cdp.on('Network.loadingFinished', (e) => {
    touch();
    const r = reqs.get(e.requestId);
    if (!r) return;
    r.wireBytes = e.encodedDataLength;
    r.done = true;
  });
  cdp.on('Network.loadingFailed', (e) => {
    touch();
    const r = reqs.get(e.requestId);
    if (r) r.done = true;
  });
  await cdp.send('Network.enable');
  if (link) {
    const bytesPerSecond = (link.mbit * 1e6) / 8;
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: link.rttMs,
      downloadThroughput: bytesPerSecond,
      uploadThroughput: bytesPerSecond,
    });
  }
  return {
    /** Resolves once every request has finished and none started for QUIET_MS. */
    async quiet(timeoutMs = 20_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const pending = [...reqs.values()].some((r) => !r.done && !r.fromCache);
        if (!pending && Date.now() - lastActivity >= QUIET_MS) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the network did not go quiet');
    },
    summary(timeToAppMs: number): Visit {
      const all = [...reqs.values()].filter((r) => !r.url.startsWith('data:'));
      const zero = (): Record<Kind, number> => ({ js: 0, css: 0, html: 0, other: 0 });
      const wire = zero();
      const body = zero();
      let networkRequests = 0;
      let notModified = 0;
      for (const [id, r] of reqs) {
        r.wireStatus = wireStatus.get(id);
      }
      for (const r of all) {
        if (r.fromCache) continue;
        networkRequests++;
        if (r.wireStatus === 304) notModified++;
        wire[r.kind] += r.wireBytes;
        body[r.kind] += Math.max(0, r.wireBytes - r.headerBytes);
      }
      return {
        timeToAppMs,
        requests: all.length,
        networkRequests,
        cachedRequests: all.length - networkRequests,
        notModified,
        wire,
        wireTotal: KINDS.reduce((s, k) => s + wire[k], 0),
        body,
        detail: all.map((r) => ({
          url: new URL(r.url).pathname,
          status: r.status,
          wireStatus: r.wireStatus,
          encoding: r.encoding,
          cacheControl: r.cacheControl,
          fromCache: r.fromCache,
          wire: r.fromCache ? 0 : r.wireBytes,
        })),
      };
    },
  };
}

/** Opens `url` in a new tab of `context` and measures it until the sign-in form shows and the network is quiet. */
async function visit(context: BrowserContext, url: string, link: Link | undefined): Promise<Visit> {
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    const net = await recordNetwork(cdp, link);
    const start = performance.now();
    await page.goto(url, { waitUntil: 'commit' });
    await page.getByLabel('Username').waitFor({ state: 'visible', timeout: 30_000 });
    const timeToAppMs = Math.round(performance.now() - start);
    await net.quiet();
    await cdp.detach();
    return net.summary(timeToAppMs);
  } finally {
    await page.close();
  }
}

const kib = (n: number) => (n / 1024).toFixed(1);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const range = (xs: number[]) => ({ min: Math.min(...xs), median: median(xs), max: Math.max(...xs) });

function visitLine(label: string, v: Visit): string {
  return (
    `  ${label.padEnd(7)} ${kib(v.wire.js).padStart(7)} ${kib(v.wire.css).padStart(7)} ${kib(v.wire.html).padStart(6)} ` +
    `${kib(v.wire.other).padStart(6)} ${kib(v.wireTotal).padStart(7)}   ${String(v.networkRequests).padStart(3)} net ` +
    `${String(v.cachedRequests).padStart(3)} cached ${String(v.notModified).padStart(2)} 304   ${v.timeToAppMs.toFixed(0).padStart(5)} ms`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      uncompressed: { type: 'boolean', default: false },
      mbit: { type: 'string' },
      rtt: { type: 'string', default: '40' },
    },
  });
  const link: Link | undefined = values.mbit
    ? { mbit: Number(values.mbit), rttMs: Number(values.rtt) }
    : undefined;
  const linkName = link ? `${link.mbit} Mbit/s, ${link.rttMs} ms RTT (emulated)` : 'loopback';
  const runs = Number(values.runs);
  const mode = values.uncompressed ? 'uncompressed' : 'compressed';
  const out = mkdtempSync(join(tmpdir(), 'labmgr-web-bundle-'));
  const sys = { stop: async () => {} } as { stop(): Promise<void> };
  try {
    execFileSync('npx', ['vite', 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: join(ROOT, 'packages/web'),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (values.uncompressed) {
      for (const dir of [out, join(out, 'assets')]) {
        for (const f of readdirSync(dir)) if (/\.(br|gz)$/.test(f)) rmSync(join(dir, f));
      }
    }
    const system = await startSystem({ env: { LABMGR_WEB_DIR: out } });
    sys.stop = () => system.stop();
    const browser = await launchBrowser();
    const results: Run[] = [];
    try {
      console.log(
        `web UI in Chromium ${browser.version()} from the real server (${mode}, ${linkName}), ${cpus().length} cores, Node ${process.version}`,
      );
      console.log('  KiB over the wire (headers included):');
      console.log(
        '  visit        JS     CSS   HTML  other   total   requests                  time to sign-in form',
      );
      for (let i = 1; i <= runs; i++) {
        const loadavg1 = loadavg()[0] ?? 0;
        const context = await browser.newContext();
        try {
          const first = await visit(context, `${system.backendUrl}/`, link);
          const repeat = await visit(context, `${system.backendUrl}/`, link);
          results.push({ run: i, loadavg1, first, repeat });
          console.log(`run ${i} (load average ${loadavg1.toFixed(2)})`);
          console.log(visitLine('first', first));
          console.log(visitLine('repeat', repeat));
        } finally {
          await context.close();
        }
      }
    } finally {
      await browser.close();
    }

    const firstJs = range(results.map((r) => r.first.wire.js));
    const summary = {
      firstWireJs: firstJs,
      firstWireCss: range(results.map((r) => r.first.wire.css)),
      firstWireHtml: range(results.map((r) => r.first.wire.html)),
      firstWireOther: range(results.map((r) => r.first.wire.other)),
      firstWireTotal: range(results.map((r) => r.first.wireTotal)),
      firstNetworkRequests: range(results.map((r) => r.first.networkRequests)),
      firstTimeToAppMs: range(results.map((r) => r.first.timeToAppMs)),
      repeatWireTotal: range(results.map((r) => r.repeat.wireTotal)),
      repeatWireJsCss: range(results.map((r) => r.repeat.wire.js + r.repeat.wire.css)),
      repeatNetworkRequests: range(results.map((r) => r.repeat.networkRequests)),
      repeatCachedRequests: range(results.map((r) => r.repeat.cachedRequests)),
      repeatTimeToAppMs: range(results.map((r) => r.repeat.timeToAppMs)),
    };
    const fmt = (r: { min: number; median: number; max: number }, f: (n: number) => string) =>
      `${f(r.median)} (${f(r.min)}–${f(r.max)})`;
    console.log(`\n${runs} runs, median (min–max):`);
    console.log(
      `  first visit: JS ${fmt(summary.firstWireJs, kib)} KiB, CSS ${fmt(summary.firstWireCss, kib)} KiB, ` +
        `HTML ${fmt(summary.firstWireHtml, kib)} KiB, other ${fmt(summary.firstWireOther, kib)} KiB, ` +
        `total ${fmt(summary.firstWireTotal, kib)} KiB in ${fmt(summary.firstNetworkRequests, String)} requests; ` +
        `sign-in form after ${fmt(summary.firstTimeToAppMs, (n) => n.toFixed(0))} ms`,
    );
    console.log(
      `  repeat visit: ${fmt(summary.repeatWireTotal, kib)} KiB in ${fmt(summary.repeatNetworkRequests, String)} network requests ` +
        `(JS+CSS ${fmt(summary.repeatWireJsCss, kib)} KiB), ${fmt(summary.repeatCachedRequests, String)} from the cache; ` +
        `sign-in form after ${fmt(summary.repeatTimeToAppMs, (n) => n.toFixed(0))} ms`,
    );
    const within = firstJs.max <= BUDGET_JS_WIRE;
    console.log(
      `  JavaScript over the wire on a first visit: at most ${kib(firstJs.max)} KiB (budget ${kib(BUDGET_JS_WIRE)} KiB): ${
        within ? 'within budget' : 'OVER BUDGET'
      }`,
    );

    const result = {
      date: new Date().toISOString(),
      bench: 'wire',
      mode,
      link: link ?? 'loopback',
      runs,
      cores: cpus().length,
      node: process.version,
      budgetJsWire: BUDGET_JS_WIRE,
      withinBudget: within,
      summary,
      perRun: results.map((r) => ({
        run: r.run,
        loadavg1: Number(r.loadavg1.toFixed(2)),
        first: { ...r.first, detail: undefined },
        repeat: { ...r.repeat, detail: undefined },
      })),
      // Every request of the first run, for reading what was sent how.
      firstRunRequests: results[0] && { first: results[0].first.detail, repeat: results[0].repeat.detail },
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    appendFileSync(join(ROOT, 'bench/results/web-bundle.json'), `${JSON.stringify(result)}\n`);
  } finally {
    await sys.stop();
    rmSync(out, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
