/**
 * Compiles the protocol's zod schemas that the agent needs at run time into
 * plain JavaScript validators (zod → JSON Schema → Ajv standalone code), so
 * the agent validates with the shared schemas without loading zod: zod alone
 * is ~7 MiB of private memory in a process whose budget is 15.
 *
 *   npx tsx packages/protocol/scripts/generate-validators.ts [--check]
 *
 * Writes src/generated/validators.ts; `--check` exits 1 when that file is not
 * what the schemas produce (a unit test runs the same comparison).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderValidators } from './render-validators.js';

const target = fileURLToPath(new URL('../src/generated/validators.ts', import.meta.url));
const code = renderValidators();
if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8');
  if (current !== code) {
    console.error(`${target} is out of date: run npx tsx packages/protocol/scripts/generate-validators.ts`);
    process.exit(1);
  }
  console.log('validators are current');
} else {
  writeFileSync(target, code);
  console.log(`wrote ${target} (${code.length} bytes)`);
}
