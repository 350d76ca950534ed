// A building's relay restarted while its link to the backend is down (power
// blip during a WAN outage) still lets in the agents it had seen, on the
// verdicts it stored, and spools their samples; a credential revoked before
// the outage is not let in; one revoked during the outage is closed with 4401
// once the backend answers again.
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { RelayHealth, RevokeResponse } from '@labmgr/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort, type System, startSystem } from '../harness.js';
import {
  agentStatus,
  credentialOf,
  expectOnceAndInOrder,
  storedPoints,
  upgradeStatus,
} from './agent-helpers.js';

/** A TCP hop between the relay and the backend that can be cut and restored (the WAN link). */
class Link {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    readonly targetPort: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const server = createServer((inbound) => {
      const outbound = connect(this.targetPort, '127.0.0.1');
      for (const s of [inbound, outbound]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {
          inbound.destroy();
          outbound.destroy();
        });
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.#server = server;
  }

  /** Closes the listener and every connection: the relay's calls now fail with ECONNREFUSED. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

describe('relay restarted during a backend outage (real backend, relay and agents)', () => {
  let sys: System;
  let link: Link;
  let relayEnv: NodeJS.ProcessEnv;
  let storeFile = '';

  beforeAll(async () => {
    sys = await startSystem();
    link = new Link(await freePort(), Number(new URL(sys.backendUrl).port));
    await link.up();
    storeFile = join(sys.dataDir, 'relay-auth', 'building.json');
    relayEnv = {
      LABMGR_BACKEND_URL: link.url,
      LABMGR_RELAY_AUTH_STORE_FILE: storeFile,
      // One frame in memory, the rest on disk.
      LABMGR_RELAY_SPOOL_DIR: join(sys.dataDir, 'relay-spool'),
      LABMGR_RELAY_MEMORY_QUEUE_ITEMS: '1',
    };
    await sys.startRelay(relayEnv);
  }, 60_000);

  afterAll(async () => {
    await sys?.stop();
    await link?.down();
  });

  it('admits known agents on stored verdicts, spools their samples, and honours revocations', async () => {
    const relayName = sys.relayName ?? '';
    await eventually(async () => sys.relayControl(relayName), 20_000, 'the relay registered');
    // Two agents connected and accepted once.
    const kept = await sys.enrollAgent('kept');
    const revokedDuring = await sys.enrollAgent('revoked-during');
    sys.startAgent(kept.stateDir);
    const duringProc = sys.startAgent(revokedDuring.stateDir);
    await eventually(
      async () => (await storedPoints(sys, kept.computerId)).length >= 2,
      30_000,
      'samples of the kept agent stored',
    );
    await eventually(
      async () => (await storedPoints(sys, revokedDuring.computerId)).length >= 1,
      30_000,
      'samples of the agent revoked later stored',
    );
    // A third one accepted once, then revoked before the outage.
    const revokedBefore = await sys.enrollAgent('revoked-before');
    const beforeCredential = await credentialOf(revokedBefore.stateDir);
    expect(await upgradeStatus(sys.relayUrl, beforeCredential)).toBe(101);
    await sys.api.json('POST', `/api/v1/computers/${revokedBefore.computerId}/revoke`, { reason: 'stolen' });

    // The WAN link goes down, then the building's power blips: the relay restarts.
    await link.down();
    await sys.relay?.stop();
    const keptStatus = await agentStatus(kept.stateDir);
    // Hashed credentials only, readable by the relay's user alone.
    expect(statSync(storeFile).mode & 0o777).toBe(0o600);
    const stored = await readFile(storeFile, 'utf8');
    expect(stored).toContain(kept.computerId);
    expect(stored).toContain(revokedDuring.computerId);
    expect(stored).not.toContain(revokedBefore.computerId);
    for (const dir of [kept.stateDir, revokedDuring.stateDir, revokedBefore.stateDir])
      expect(stored).not.toContain(await credentialOf(dir));

    const relay = await sys.startRelay(relayEnv);
    // Both seen agents are let in (not 503) on their stored verdicts...
    for (const { computerId } of [kept, revokedDuring]) {
      await relay.waitForOutput(
        new RegExp(`"computerId":"${computerId}"[^\\n]*admitted on its stored verdict`),
        30_000,
      );
    }
    await eventually(
      async () => (await agentStatus(kept.stateDir))?.connected,
      20_000,
      'the kept agent connected',
    );
    const metrics = await (await fetch(`http://127.0.0.1:${sys.relayPort}/metrics`)).text();
    const admitted = Number(/^labmgr_relay_auth_fallback_admissions_total (\d+)$/m.exec(metrics)?.[1]);
    expect(admitted).toBeGreaterThanOrEqual(2);
    expect(metrics).toMatch(/^labmgr_relay_auth_unconfirmed_agents [1-9]/m);
    // ...the one revoked before the outage is not: the relay cannot ask and has no verdict for it.
    expect(await upgradeStatus(sys.relayUrl, beforeCredential)).toBe(503);
    // Their samples wait in the relay's spool.
    await eventually(
      async () => {
        const h = (await (await fetch(`http://127.0.0.1:${sys.relayPort}/healthz`)).json()) as RelayHealth;
        return (h.spooledFrames ?? 0) >= 3;
      },
      30_000,
      'samples spooled on disk',
    );

    // Revoked while the relay cannot be reached: the backend cannot tell it.
    const revoke = (await sys.api.json('POST', `/api/v1/computers/${revokedDuring.computerId}/revoke`, {
      reason: 'left the lab',
    })) as RevokeResponse;
    expect(revoke.disconnect).not.toBe('disconnected');
    expect(duringProc.output).not.toMatch(/"code":4401/);

    // The link returns: the spooled samples are stored, and the agent revoked meanwhile is closed.
    await link.up();
    await duringProc.waitForOutput(/"code":4401[^\n]*connection to relay closed/, 30_000);
    await relay.waitForOutput(/refused by the backend: agent closed/, 5_000);
    const points = await eventually(
      async () => {
        const p = await storedPoints(sys, kept.computerId);
        return (p.at(-1)?.seq ?? 0) >= (keptStatus?.lastSeq ?? 0) + 3 ? p : undefined;
      },
      60_000,
      'the kept agent’s spooled and new samples stored',
    );
    expectOnceAndInOrder(points);
    expect(await upgradeStatus(sys.relayUrl, await credentialOf(revokedDuring.stateDir))).toBe(401);
    expect(await upgradeStatus(sys.relayUrl, beforeCredential)).toBe(401);
    // The refusal removed its verdict from the store too (removals are written at once).
    await eventually(
      async () => !(await readFile(storeFile, 'utf8')).includes(revokedDuring.computerId),
      5_000,
      'the revoked verdict removed from the file',
    );
  }, 180_000);
});
