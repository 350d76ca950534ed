import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { databases } from './databases.js';
import { startTestServer } from './test-server.js';

/** A stand-in for the built agent package: the four files, with content this test knows. */
const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: '@labmgr/agent', version: '9.8.7' }),
  'bin/package.json': '{ "type": "commonjs" }\n',
  'bin/labmgr-agent.js': "#!/usr/bin/env node\nrequire('../dist/labmgr-agent.cjs');\n",
  'dist/labmgr-agent.cjs': `console.log("agent");\n${'x'.repeat(100_000)}\n`,
};
const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

interface Manifest {
  version: string;
  installScript: string;
  files: { path: string; url: string; size: number; sha256: string }[];
}

describe.each(databases)('agent package downloads on $name', (database) => {
  let server: RunningServer;
  let close: () => Promise<void>;
  let work: string;
  let agentDir: string;

  const writePackage = () => {
    for (const [path, content] of Object.entries(FILES)) {
      mkdirSync(dirname(join(agentDir, path)), { recursive: true });
      writeFileSync(join(agentDir, path), content);
    }
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'labmgr-agent-package-'));
    agentDir = join(work, 'agent');
    writePackage();
    ({ server, close } = await startTestServer(database, { agentPackageDir: agentDir }));
  });

  afterAll(async () => {
    await close?.();
    rmSync(work, { recursive: true, force: true });
  });

  it('lists the files with sizes and SHA-256 matching what each download serves, without credentials', async () => {
    const res = await fetch(`${server.url}/api/v1/agent-package`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const manifest = (await res.json()) as Manifest;
    expect(manifest.version).toBe('9.8.7');
    expect(manifest.installScript).toBe('/api/v1/agent-package/install.sh');
    expect(manifest.files.map((f) => f.path)).toEqual([
      'package.json',
      'bin/package.json',
      'bin/labmgr-agent.js',
      'dist/labmgr-agent.cjs',
    ]);
    for (const file of manifest.files) {
      const content = FILES[file.path] ?? '';
      expect(file).toEqual({
        path: file.path,
        url: `/api/v1/agent-package/files/${file.path}`,
        size: Buffer.byteLength(content),
        sha256: sha256(content),
      });
      const download = await fetch(`${server.url}${file.url}`);
      expect(download.status, file.path).toBe(200);
      const body = Buffer.from(await download.arrayBuffer());
      expect(sha256(body)).toBe(file.sha256);
      expect(download.headers.get('x-content-sha256')).toBe(file.sha256);
      expect(download.headers.get('content-type')).toMatch(
        file.path.endsWith('.json') ? /^application\/json/ : /^text\/javascript/,
      );
    }
  });

  it('generates install.sh for this server with the files’ hashes; it parses as POSIX sh', async () => {
    const res = await fetch(`${server.url}/api/v1/agent-package/install.sh`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/x-shellscript/);
    const script = await res.text();
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain(`SERVER='${server.url}'`);
    expect(script).toContain("VERSION='9.8.7'");
    expect(script).toContain('PREFIX=/opt/labmgr-agent');
    for (const [path, content] of Object.entries(FILES)) {
      expect(script).toContain(`get_file '${path}' ${sha256(content)}`);
    }
    const file = join(work, 'install.sh');
    writeFileSync(file, script);
    const syntax = spawnSync('sh', ['-n', file], { encoding: 'utf8' });
    expect(syntax.status, syntax.stderr).toBe(0);
    const help = spawnSync('sh', [file, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--token TOKEN');
    expect(help.stdout).toContain('--no-service');
    const noToken = spawnSync('sh', [file, '--no-service'], { encoding: 'utf8' });
    expect(noToken.status).toBe(1);
    expect(noToken.stderr).toMatch(/an enrollment token is required/);
  });

  it('install.sh stops with a clear message when Node.js is older than 20', async () => {
    const script = await (await fetch(`${server.url}/api/v1/agent-package/install.sh`)).text();
    const file = join(work, 'install-old-node.sh');
    writeFileSync(file, script);
    // A `node` first on the PATH that reports version 18.
    const fakeBin = join(work, 'old-node-bin');
    mkdirSync(fakeBin, { recursive: true });
    const fakeNode = join(fakeBin, 'node');
    writeFileSync(fakeNode, '#!/bin/sh\ncase "$1" in --version) echo v18.19.0 ;; *) echo 18 ;; esac\n');
    chmodSync(fakeNode, 0o755);
    const run = spawnSync('sh', [file, '--token', 'lme_x', '--no-service', '--prefix', join(work, 'never')], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${fakeBin}:${process.env.PATH ?? ''}` },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`Node.js 20 or newer is needed; ${fakeNode} is v18.19.0`);
  });

  it('answers 404 agent_not_built naming the missing file, and serves it again once rebuilt', async () => {
    rmSync(join(agentDir, 'dist'), { recursive: true });
    try {
      for (const path of [
        '/api/v1/agent-package',
        '/api/v1/agent-package/install.sh',
        '/api/v1/agent-package/files/dist/labmgr-agent.cjs',
        '/api/v1/agent-package/files/package.json',
      ]) {
        const res = await fetch(`${server.url}${path}`);
        expect(res.status, path).toBe(404);
        const body = (await res.json()) as { error: { code: string; message: string; details: unknown } };
        expect(body.error.code).toBe('agent_not_built');
        expect(body.error.message).toContain(`the agent is not built in ${agentDir}`);
        expect(body.error.message).toContain('missing dist/labmgr-agent.cjs');
        expect(body.error.details).toEqual({ dir: agentDir, missing: ['dist/labmgr-agent.cjs'] });
      }
    } finally {
      writePackage();
    }
    expect((await fetch(`${server.url}/api/v1/agent-package/files/dist/labmgr-agent.cjs`)).status).toBe(200);
  });

  it('serves a file rebuilt in place with its new bytes and SHA-256 at once', async () => {
    const file = join(agentDir, 'bin/labmgr-agent.js');
    const before = await (await fetch(`${server.url}/api/v1/agent-package/files/bin/labmgr-agent.js`)).text();
    expect(before).toBe(FILES['bin/labmgr-agent.js']);
    const rebuilt = (FILES['bin/labmgr-agent.js'] as string).replace('agent', 'AGENT'); // same size
    try {
      writeFileSync(file, rebuilt);
      utimesSync(file, new Date(), new Date(Date.now() + 5000));
      const res = await fetch(`${server.url}/api/v1/agent-package/files/bin/labmgr-agent.js`);
      expect(await res.text()).toBe(rebuilt);
      expect(res.headers.get('x-content-sha256')).toBe(sha256(rebuilt));
      const manifest = (await (await fetch(`${server.url}/api/v1/agent-package`)).json()) as Manifest;
      expect(manifest.files.find((f) => f.path === 'bin/labmgr-agent.js')?.sha256).toBe(sha256(rebuilt));
    } finally {
      writePackage();
    }
  });

  it('serves nothing else under the package: no path outside the four files', async () => {
    for (const path of [
      '/api/v1/agent-package/files/src/main.ts',
      '/api/v1/agent-package/files/../package.json',
      '/api/v1/agent-package/files/%2e%2e/%2e%2e/package.json',
    ]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(404);
    }
  });
});
