import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { ComputerDetail } from '@labmgr/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, Proc, runCli, runProgram, type System, startSystem, tempDir } from '../harness.js';
import { expectOnceAndInOrder, storedPoints } from './agent-helpers.js';

interface Manifest {
  version: string;
  installScript: string;
  files: { path: string; url: string; size: number; sha256: string }[];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every file under `dir`, relative to it, sorted. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Runs a shell command line with `sh -c`, to completion. */
const sh = (command: string, env: NodeJS.ProcessEnv = {}) => runProgram('sh', ['-c', command], env);

/**
 * A lab computer with nothing but Node: the agent comes from the server's
 * `/api/v1/agent-package` downloads (into a folder with no node_modules
 * anywhere above it), enrolls and reports. The install script runs too, into a
 * temporary prefix with `--no-service`: nothing under /opt, no systemd.
 */
describe('agent downloaded from the server (real processes)', () => {
  let sys: System;
  let work: string;
  let manifest: Manifest;

  const newToken = async () =>
    (await sys.api.json<{ token: string }>('POST', '/api/v1/enrollment-tokens', { uses: 1 })).token;

  /** Starts the agent installed in `prefix` and waits until the computer is online with samples stored. */
  async function runUntilOnline(prefix: string, stateDir: string, computerId: string): Promise<void> {
    const agent = new Proc(
      'downloaded-agent',
      join(prefix, 'bin/labmgr-agent.js'),
      ['run', '--state-dir', stateDir],
      {
        LABMGR_AGENT_INTERVAL_MS: '1000',
      },
    );
    sys.agents.push(agent);
    const points = await eventually(
      async () => {
        const p = await storedPoints(sys, computerId);
        return p.length >= 3 ? p : undefined;
      },
      30_000,
      'three samples stored from the downloaded agent',
    );
    expectOnceAndInOrder(points);
    const detail = await sys.api.json<ComputerDetail>('GET', `/api/v1/computers/${computerId}`);
    expect(detail.status).toBe('online');
    expect(detail.agentVersion).toBe(manifest.version);
    expect(agent.running).toBe(true);
  }

  beforeAll(async () => {
    sys = await startSystem();
    await sys.startRelay();
    work = tempDir('labmgr-download-');
    manifest = (await (await fetch(`${sys.backendUrl}/api/v1/agent-package`)).json()) as Manifest;
  });

  afterAll(async () => {
    await sys?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('downloads the files of the manifest, whose SHA-256s match, then enrolls and runs from them', async () => {
    expect(manifest.files.map((f) => f.path).sort()).toEqual([
      'bin/labmgr-agent.js',
      'bin/package.json',
      'dist/labmgr-agent.cjs',
      'package.json',
    ]);
    const prefix = join(work, 'downloaded');
    for (const file of manifest.files) {
      const res = await fetch(`${sys.backendUrl}${file.url}`);
      expect(res.status, file.url).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.length, file.path).toBe(file.size);
      expect(sha256(body), file.path).toBe(file.sha256);
      mkdirSync(dirname(join(prefix, file.path)), { recursive: true });
      writeFileSync(join(prefix, file.path), body);
    }
    // The very bytes the repository built.
    const built = join(import.meta.dirname, '../../packages/agent/dist/labmgr-agent.cjs');
    expect(sha256(readFileSync(join(prefix, 'dist/labmgr-agent.cjs')))).toBe(sha256(readFileSync(built)));

    const stateDir = join(work, 'downloaded-state');
    const enrolled = await runCli(join(prefix, 'bin/labmgr-agent.js'), [
      'enroll',
      '--server',
      sys.backendUrl,
      '--token',
      await newToken(),
      '--state-dir',
      stateDir,
    ]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const computerId = enrolled.stdout.match(UUID)?.[0] ?? '';
    expect(computerId).not.toBe('');
    await runUntilOnline(prefix, stateDir, computerId);
  });

  it('install.sh, piped from curl into sh as the enrollment page shows, installs, enrolls and the agent runs', async () => {
    const prefix = join(work, 'opt', 'labmgr-agent');
    const stateDir = join(work, 'installed-state');
    const token = await newToken();
    // The page's one-liner, with `sudo` left out and the install sandboxed: temp prefix and state, no service.
    const run = await sh(
      `curl -fsSL ${sys.backendUrl}/api/v1/agent-package/install.sh | sh -s -- --token "$TOKEN" ` +
        `--prefix "$PREFIX" --state-dir "$STATE" --no-service`,
      { TOKEN: token, PREFIX: prefix, STATE: stateDir },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`downloading the agent ${manifest.version} from ${sys.backendUrl}`);
    expect(run.stderr).toContain(`installed in ${prefix}`);
    expect(run.stderr).toContain('no service installed (--no-service)');
    expect(listFiles(prefix)).toEqual([
      'bin/labmgr-agent.js',
      'bin/package.json',
      'dist/labmgr-agent.cjs',
      'package.json',
    ]);
    for (const file of manifest.files) {
      expect(sha256(readFileSync(join(prefix, file.path))), file.path).toBe(file.sha256);
    }
    expect(statSync(join(prefix, 'bin/labmgr-agent.js')).mode & 0o777).toBe(0o755);
    // `enroll` printed the computer id and left the credential readable by its owner only.
    const computerId = run.stdout.match(UUID)?.[0] ?? '';
    expect(computerId).not.toBe('');
    expect(statSync(join(stateDir, 'state.json')).mode & 0o777).toBe(0o600);
    await runUntilOnline(prefix, stateDir, computerId);

    // Run again over the same install (an upgrade): the files are replaced in place; a used token is refused clearly.
    const again = await sh(
      `curl -fsSL ${sys.backendUrl}/api/v1/agent-package/install.sh | sh -s -- --token "$TOKEN" ` +
        `--prefix "$PREFIX" --state-dir "$STATE" --no-service`,
      { TOKEN: token, PREFIX: prefix, STATE: join(work, 'second-state') },
    );
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('enroll failed: enrollment token is invalid, expired or used up');
    expect(existsSync(join(work, 'second-state', 'state.json'))).toBe(false);
  });

  it('install.sh refuses a download whose SHA-256 does not match, installing nothing', async () => {
    const script = await (await fetch(`${sys.backendUrl}/api/v1/agent-package/install.sh`)).text();
    const cjs = manifest.files.find((f) => f.path === 'dist/labmgr-agent.cjs');
    if (!cjs) throw new Error('no bundle in the manifest');
    // As if the bundle had been tampered with on the way: the script expects another hash.
    const tampered = script.replace(cjs.sha256, '0'.repeat(64));
    const file = join(work, 'tampered.sh');
    writeFileSync(file, tampered);
    const prefix = join(work, 'tampered-prefix');
    const run = await sh(
      `sh "$SCRIPT" --token lme_unused --prefix "$PREFIX" --state-dir "$STATE" --no-service`,
      {
        SCRIPT: file,
        PREFIX: prefix,
        STATE: join(work, 'tampered-state'),
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `SHA-256 of dist/labmgr-agent.cjs is ${cjs.sha256}, expected ${'0'.repeat(64)}`,
    );
    expect(existsSync(prefix)).toBe(false);
  });
});
