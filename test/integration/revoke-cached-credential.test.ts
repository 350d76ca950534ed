import { join } from 'node:path';
import { CloseCode, type RevokeResponse } from '@labmgr/protocol';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ExtraRelay, eventually, type System, startSystem } from '../harness.js';
import { credentialOf, upgradeStatus } from './agent-helpers.js';

interface Opened {
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
}

/** Upgrades with the credential (the relay checks it and caches the verdict) and sends nothing. */
function openWithoutHello(url: string, credential: string): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${credential}` } });
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: String(reason) })),
    );
    ws.once('open', () => resolve({ ws, closed }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('revoke drops cached credential verdicts on every relay (real processes)', () => {
  let sys: System;
  let relayB: ExtraRelay;
  const revoke = async (computerId: string) => {
    const res = await sys.api.request('POST', `/api/v1/computers/${computerId}/revoke`, {
      reason: 'credential leaked',
    });
    expect(res.status).toBe(200);
    return (await res.json()) as RevokeResponse;
  };
  const auditDetails = (computerId: string): Record<string, unknown> => {
    const db = new Database(join(sys.dataDir, 'labmgr.sqlite'), { readonly: true });
    try {
      const row = db
        .prepare("SELECT details FROM audit_log WHERE action = 'computer.revoke' AND target_id = ?")
        .get(computerId) as { details: string } | undefined;
      return JSON.parse(row?.details ?? '{}') as Record<string, unknown>;
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    sys = await startSystem();
    // A long cache time: a reconnect that is let in can only come from the cache.
    await sys.startRelay({ LABMGR_RELAY_AUTH_CACHE_SEC: '300' });
    relayB = await sys.startExtraRelay('relay-b', { LABMGR_RELAY_AUTH_CACHE_SEC: '300' });
    const relayName = sys.relayName ?? '';
    await eventually(
      async () => sys.relayControl(relayName) && sys.relayControl('relay-b'),
      20_000,
      'both relays registered their control API',
    );
  }, 60_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it('refuses a reconnect within the cache time of a credential that connected and left before its hello', async () => {
    const { stateDir, computerId } = await sys.enrollAgent('left-before-hello');
    const credential = await credentialOf(stateDir);
    // Passes relay B's check (verdict cached), then goes away without a hello.
    const first = await openWithoutHello(relayB.relayUrl, credential);
    first.ws.close(1000);
    await first.closed;
    // Its credential is good until the revocation.
    expect(await upgradeStatus(relayB.relayUrl, credential)).toBe(101);
    const detail = await sys.api.json<{ status: string; relayId: string | null }>(
      'GET',
      `/api/v1/computers/${computerId}`,
    );
    expect(detail.status).not.toBe('online');

    // Neither relay holds a connection of it: each answers "not connected" after dropping its verdicts.
    expect(await revoke(computerId)).toEqual({ computerId, disconnect: 'unknown-agent' });
    expect(await upgradeStatus(relayB.relayUrl, credential)).toBe(401);
    expect(await upgradeStatus(sys.relayUrl, credential)).toBe(401);
    expect(auditDetails(computerId)).toMatchObject({
      disconnect: 'unknown-agent',
      relays: expect.arrayContaining([
        { relay: 'relay-b', result: 'not-connected' },
        { relay: sys.relayName, result: 'not-connected' },
      ]),
    });
  });

  it('closes a connection still waiting for its hello with 4401 and refuses the next one', async () => {
    const { stateDir, computerId } = await sys.enrollAgent('waiting-for-hello');
    const credential = await credentialOf(stateDir);
    const waiting = await openWithoutHello(sys.relayUrl, credential);

    expect(await revoke(computerId)).toEqual({ computerId, disconnect: 'disconnected' });
    // Well before the relay's 10 s hello deadline.
    expect(await waiting.closed).toEqual({ code: CloseCode.unauthorized, reason: 'credential leaked' });
    expect(await upgradeStatus(sys.relayUrl, credential)).toBe(401);
    expect(auditDetails(computerId)).toMatchObject({
      disconnect: 'disconnected',
      relays: expect.arrayContaining([
        { relay: 'relay-b', result: 'not-connected' },
        { relay: sys.relayName, result: 'disconnected' },
      ]),
    });
  });
});
