#!/usr/bin/env node
// Runs every Vitest project and ends with the plain line CI reads:
// "N passed, N failed" (and ", N skipped" when some were skipped).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `--pg` (npm run test:pg): also run the backend suites on the local PostgreSQL.
const wantPg = process.argv.includes('--pg');
if (wantPg) process.env.LABMGR_TEST_PG_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
const pgUrl = process.env.LABMGR_TEST_PG_URL;

const dir = mkdtempSync(join(tmpdir(), 'labmgr-test-'));
const report = join(dir, 'report.json');
const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2).filter((a) => a !== '--pg'),
];
const run = spawnSync('npx', args, { stdio: 'inherit' });

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests;
  skipped = json.numPendingTests + json.numTodoTests;
  // A suite that failed to load counts as a failure even though it ran no test.
  failed += json.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
} catch {
  failed = Math.max(failed, 1);
}
rmSync(dir, { recursive: true, force: true });
if (run.status !== 0 && failed === 0) failed = 1;
console.log(
  pgUrl
    ? `PostgreSQL suite: run against ${pgUrl.replace(/\/\/[^@/]*@/, '//…@')}`
    : 'PostgreSQL suite: not run (set LABMGR_TEST_PG_URL=postgres://…, or use npm run test:pg)',
);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);
