/**
 * What the first page load of the web UI ships, gzipped: builds the web app
 * into a temporary directory, reads which scripts and styles index.html
 * loads up front (its module script and the modulepreloads Vite adds), and
 * sizes each one gzipped at level 9 (what a server with compression sends),
 * next to every lazily loaded page chunk. Budget: <= 300 KB of gzipped
 * JavaScript on first load (issue 7).
 *
 *   npx tsx bench/web-bundle.ts
 *
 * Prints a table and appends one JSON line to bench/results/web-bundle.json.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../test/harness.js';

const BUDGET_JS_GZIP = 300 * 1024;

interface Asset {
  file: string;
  raw: number;
  gzip: number;
}

function sizeOf(dir: string, file: string): Asset {
  const bytes = readFileSync(join(dir, file));
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/** The files index.html makes the browser fetch before anything renders. */
function firstLoadFiles(html: string): { scripts: string[]; styles: string[] } {
  const attr = (tag: string, name: string) => new RegExp(`${name}="([^"]+)"`).exec(tag)?.[1];
  const scripts = new Set<string>();
  const styles = new Set<string>();
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    if (tag.startsWith('<script') && /type="module"/.test(tag)) {
      const src = attr(tag, 'src');
      if (src) scripts.add(src.replace(/^\//, ''));
    } else if (/rel="modulepreload"/.test(tag)) {
      const href = attr(tag, 'href');
      if (href) scripts.add(href.replace(/^\//, ''));
    } else if (/rel="stylesheet"/.test(tag)) {
      const href = attr(tag, 'href');
      if (href) styles.add(href.replace(/^\//, ''));
    }
  }
  return { scripts: [...scripts], styles: [...styles] };
}

const kib = (n: number) => (n / 1024).toFixed(1);

function main(): void {
  const out = mkdtempSync(join(tmpdir(), 'labmgr-web-bundle-'));
  try {
    execFileSync('npx', ['vite', 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: join(ROOT, 'packages/web'),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const first = firstLoadFiles(html);
    const firstScripts = first.scripts.map((f) => sizeOf(out, f));
    const firstStyles = first.styles.map((f) => sizeOf(out, f));
    const allJs = readdirSync(join(out, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => `assets/${f}`);
    const lazy = allJs.filter((f) => !first.scripts.includes(f)).map((f) => sizeOf(out, f));
    const sum = (xs: Asset[], k: 'raw' | 'gzip') => xs.reduce((s, x) => s + x[k], 0);

    const jsGzip = sum(firstScripts, 'gzip');
    console.log('first load (index.html and what it loads before rendering):');
    for (const a of [...firstScripts, ...firstStyles]) {
      console.log(
        `  ${a.file.padEnd(44)} ${kib(a.raw).padStart(8)} KiB raw ${kib(a.gzip).padStart(7)} KiB gzip`,
      );
    }
    console.log(
      `  JavaScript: ${kib(sum(firstScripts, 'raw'))} KiB raw, ${kib(jsGzip)} KiB gzip (budget ${kib(BUDGET_JS_GZIP)} KiB): ${
        jsGzip <= BUDGET_JS_GZIP ? 'within budget' : 'OVER BUDGET'
      }`,
    );
    console.log(`  CSS: ${kib(sum(firstStyles, 'raw'))} KiB raw, ${kib(sum(firstStyles, 'gzip'))} KiB gzip`);
    console.log(`lazily loaded chunks (fetched when a page needs them): ${lazy.length}`);
    for (const a of lazy.sort((x, y) => y.gzip - x.gzip)) {
      console.log(
        `  ${a.file.padEnd(44)} ${kib(a.raw).padStart(8)} KiB raw ${kib(a.gzip).padStart(7)} KiB gzip`,
      );
    }
    const result = {
      date: new Date().toISOString(),
      firstLoadJsRaw: sum(firstScripts, 'raw'),
      firstLoadJsGzip: jsGzip,
      firstLoadCssGzip: sum(firstStyles, 'gzip'),
      budgetJsGzip: BUDGET_JS_GZIP,
      withinBudget: jsGzip <= BUDGET_JS_GZIP,
      lazyChunks: lazy.length,
      lazyJsGzip: sum(lazy, 'gzip'),
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    appendFileSync(join(ROOT, 'bench/results/web-bundle.json'), `${JSON.stringify(result)}\n`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
