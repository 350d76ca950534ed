import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditRepository } from './audit.repository.js';
import { type Refusal, RefusalAudit } from './refusal-audit.js';

function recorder() {
  const entries: AuditEntry[] = [];
  const repo = { record: async (e: AuditEntry) => void entries.push(e) } as unknown as AuditRepository;
  return { entries, repo };
}

const viewerStartsCommand: Refusal = {
  actorType: 'user',
  actorId: 'viewer-1',
  ip: '10.0.0.7',
  method: 'POST',
  route: '/api/v1/commands',
  status: 403,
  code: 'forbidden',
  message: 'not allowed for your role',
};

describe('RefusalAudit', () => {
  it('writes the first refusal at once and its repeats as one count when the window closes', async () => {
    let now = 0;
    const { entries, repo } = recorder();
    const audit = new RefusalAudit(
      repo,
      (err) => {
        throw err;
      },
      { windowMs: 1000, now: () => now },
    );
    for (let i = 0; i < 50; i++) audit.record(viewerStartsCommand);
    await audit.flush();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor_type: 'user',
      actor_id: 'viewer-1',
      action: 'request.refused',
      target_id: 'POST /api/v1/commands',
      ip: '10.0.0.7',
      details: { status: 403, code: 'forbidden' },
    });
    // Another caller's refusal is its own entry.
    audit.record({ ...viewerStartsCommand, actorId: 'viewer-2' });
    now = 1000;
    await audit.flush();
    expect(entries).toHaveLength(3);
    expect(entries[2]?.details).toMatchObject({ repeated: 49, windowSec: 1 });
  });

  it('caps the entries per window and counts the rest in one summary (rotating callers cannot flood the log)', async () => {
    let now = 0;
    const { entries, repo } = recorder();
    const audit = new RefusalAudit(repo, () => {}, { windowMs: 1000, maxPerWindow: 10, now: () => now });
    for (let i = 0; i < 500; i++)
      audit.record({ ...viewerStartsCommand, actorId: null, ip: `198.51.100.${i % 250}` });
    now = 1000;
    await audit.flush();
    const refused = entries.filter((e) => e.action === 'request.refused');
    expect(refused).toHaveLength(10);
    const summary = entries.find((e) => e.action === 'audit.refusals_dropped');
    expect(summary?.details).toMatchObject({ dropped: 490 });
    // A new window writes again.
    audit.record(viewerStartsCommand);
    await audit.flush();
    expect(entries.at(-1)?.action).toBe('request.refused');
  });
});
