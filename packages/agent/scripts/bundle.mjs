/**
 * Bundles the agent into one file, dist/labmgr-agent.cjs, which the
 * `labmgr-agent` binary runs. One minified module loads in a fraction of the
 * memory of ~150 separate ones (the agent's private-memory budget is 15 MiB)
 * and is a single file to copy onto a lab machine next to Node. It is
 * CommonJS because an ES module entry makes Node load its ESM loader, which
 * costs ~2.5 MiB of resident memory (the agent's RSS budget is 50 MiB).
 *
 * Fails when zod ends up in the bundle: the agent validates with the
 * protocol's precompiled validators (`@labmgr/protocol/compiled`) and imports
 * the main protocol entry for types only.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * ws requires zlib at load for its permessage-deflate extension, which the agent turns off; it gets a
 * stand-in that loads node:zlib at first use instead (scripts/lazy-zlib.cjs), so zlib never loads.
 */
const lazyZlibForWs = {
  name: 'lazy-zlib-for-ws',
  setup(b) {
    b.onResolve({ filter: /^(node:)?zlib$/ }, (args) =>
      /[\\/]node_modules[\\/]ws[\\/]/.test(args.importer)
        ? { path: fileURLToPath(new URL('lazy-zlib.cjs', import.meta.url)) }
        : undefined,
    );
  },
};
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/labmgr-agent.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Bundle the workspace's TypeScript sources, not whatever dist happens to hold.
  conditions: ['@labmgr/source'],
  // LABMGR_BUNDLE_READABLE=1: function names kept, for a readable `node --cpu-prof` profile.
  minify: process.env.LABMGR_BUNDLE_READABLE !== '1',
  sourcemap: 'linked',
  legalComments: 'external',
  metafile: true,
  logLevel: 'warning',
  plugins: [lazyZlibForWs],
  // The sources are ES modules; `import.meta.url` (package-root.ts) is this file's URL.
  define: { 'import.meta.url': '__labmgrModuleUrl' },
  banner: { js: "const __labmgrModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

const inputs = Object.keys(result.metafile.inputs);
const zod = inputs.filter((path) => /node_modules\/zod\//.test(path));
if (zod.length > 0) {
  console.error(
    `the agent bundle pulls in zod (${zod.length} files); import it from @labmgr/protocol/compiled or as a type`,
  );
  process.exit(1);
}
writeFileSync(new URL('../dist/labmgr-agent.meta.json', import.meta.url), JSON.stringify(result.metafile));
const bytes = result.metafile.outputs['dist/labmgr-agent.cjs']?.bytes ?? 0;
console.log(`dist/labmgr-agent.cjs: ${(bytes / 1024).toFixed(0)} KiB from ${inputs.length} modules`);
