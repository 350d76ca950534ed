import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ComputerList } from '@labmgr/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient, eventually, freePort, ROOT, tempDir } from '../harness.js';

/** `npm start` as a user runs it (minus the build, which `npm test` has done). */
describe('npm start', () => {
  const dataDir = tempDir('labmgr-start-');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts backend, relay and an enrolled local agent, prints URL and credentials, and stops on Ctrl-C', async () => {
    const port = await freePort();
    const relayPort = await freePort();
    const child = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs')], {
      env: {
        ...process.env,
        LABMGR_DATA_DIR: dataDir,
        LABMGR_PORT: String(port),
        LABMGR_RELAY_PORT: String(relayPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const banner = await eventually(
        async () => out.match(/Password\s+(\S+)\s+\(generated now, shown once\)/),
        60_000,
        'the start banner',
      );
      expect(out).toContain(`Open       http://localhost:${port}`);
      expect(out).toMatch(/User\s+admin/);
      const password = banner[1] ?? '';

      const api = new ApiClient(`http://127.0.0.1:${port}`);
      expect((await api.login('admin', password)).status).toBe(200);
      const me = await eventually(
        async () => {
          const list = await api.json<ComputerList>('GET', '/api/v1/computers');
          return list.items.find((c) => c.hostname === hostname() && c.status === 'online' && c.metrics);
        },
        30_000,
        'this computer online with metrics',
      );
      expect(me.osName).toBeTruthy();
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).not.toMatch(/exited unexpectedly/);
  });
});
