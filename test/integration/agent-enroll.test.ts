import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, freePort, runCli, type System, startSystem } from '../harness.js';

/** `labmgr-agent enroll` against the real backend: every way a token can be wrong fails clearly and stores nothing. */
describe('agent enrollment (real backend)', () => {
  let sys: System;

  beforeAll(async () => {
    sys = await startSystem();
  });

  afterAll(async () => {
    await sys?.stop();
  });

  const newToken = async () =>
    (await sys.api.json<{ id: string; token: string }>('POST', '/api/v1/enrollment-tokens', { uses: 1 }))
      .token;

  const enroll = (token: string, stateDir: string, server = sys.backendUrl) =>
    runCli(BIN.agent, ['enroll', '--server', server, '--token', token, '--state-dir', stateDir]);

  const stateDir = (name: string) => join(sys.dataDir, `enroll-${name}`);
  const FAILED = 'enroll failed: enrollment token is invalid, expired or used up';

  it('enrolls with a valid token', async () => {
    const dir = stateDir('valid');
    const r = await enroll(await newToken(), dir);
    expect(r.code).toBe(0);
    const status = await runCli(BIN.agent, ['status', '--state-dir', dir]);
    expect(status.stdout).toMatch(/enrolled:\s+yes/);
  });

  it('refuses a token the server never issued', async () => {
    const dir = stateDir('bad');
    const r = await enroll('lmg_enroll_not-a-real-token-0000000000', dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe(FAILED);
    expect(existsSync(join(dir, 'state.json'))).toBe(false);
  });

  it('refuses a single-use token the second time', async () => {
    const token = await newToken();
    expect((await enroll(token, stateDir('first'))).code).toBe(0);
    const again = await enroll(token, stateDir('second'));
    expect(again.code).not.toBe(0);
    expect(again.stderr.trim()).toBe(FAILED);
  });

  it('refuses an expired token', async () => {
    const token = await newToken();
    // The shortest expiry the API accepts is a minute: age the token in the real database instead of waiting.
    const db = new Database(join(sys.dataDir, 'labmgr.sqlite'));
    try {
      const aged = db
        .prepare('UPDATE enrollment_tokens SET expires_at = ? WHERE expires_at > ?')
        .run(Date.now() - 1000, Date.now());
      expect(aged.changes).toBeGreaterThanOrEqual(1);
    } finally {
      db.close();
    }
    const r = await enroll(token, stateDir('expired'));
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe(FAILED);
  });

  it('says so when the server cannot be reached', async () => {
    const r = await enroll(await newToken(), stateDir('unreachable'), `http://127.0.0.1:${await freePort()}`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/enroll failed: .*(ECONNREFUSED|cannot reach|connect)/i);
  });
});
