import { describe, expect, it } from 'vitest';
import {
  AgentFrame,
  canonicalCommandBytes,
  canonicalJson,
  fixtures,
  IngestBatch,
  LiveEvent,
  MetricsFrame,
  parseFrame,
  RelayFrame,
  truncate,
} from './index.js';

describe('agent frames', () => {
  it('accepts hello, inventory and metrics', () => {
    expect(AgentFrame.safeParse(fixtures.hello()).success).toBe(true);
    expect(AgentFrame.safeParse({ type: 'inventory', inventory: fixtures.inventory() }).success).toBe(true);
    const m = AgentFrame.parse({ type: 'metrics', seq: 1, sample: fixtures.sample() });
    expect(m.type === 'metrics' && m.dropped).toBe(0);
  });

  it.each(fixtures.invalidAgentFrames)('rejects %s with a reason', (_name, text) => {
    const r = parseFrame(AgentFrame, text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(3);
  });

  it('names the offending field', () => {
    const r = parseFrame(
      MetricsFrame,
      JSON.stringify({ type: 'metrics', seq: 0, sample: fixtures.sample() }),
    );
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('seq') });
  });

  it('strips unknown fields so newer agents stay compatible', () => {
    const r = AgentFrame.parse({ ...fixtures.hello(), future: 1 });
    expect(r).not.toHaveProperty('future');
  });
});

describe('relay frames and bodies', () => {
  it('parses ack and welcome', () => {
    expect(RelayFrame.safeParse({ type: 'ack', seq: 5 }).success).toBe(true);
    expect(
      RelayFrame.safeParse({
        type: 'welcome',
        protocolVersion: 1,
        computerId: '6c3f2a1e-1b2c-4d5e-8f90-1234567890ab',
        relayId: 'r1',
        serverTime: 1,
      }).success,
    ).toBe(true);
  });

  it('rejects an empty ingest batch', () => {
    expect(IngestBatch.safeParse({ relayId: 'r1', items: [] }).success).toBe(false);
  });

  it('parses live events', () => {
    expect(LiveEvent.safeParse({ type: 'hello', protocolVersion: 1, serverTime: 1 }).success).toBe(true);
  });
});

describe('truncate', () => {
  it('keeps close reasons within 123 bytes even with multibyte text', () => {
    const out = truncate('é'.repeat(200));
    expect(new TextEncoder().encode(out).length).toBeLessThanOrEqual(123);
  });
});

describe('commands', () => {
  const command = fixtures.command();

  it('signs the same bytes whatever the key order', () => {
    const reordered = Object.fromEntries(Object.entries(command).reverse()) as typeof command;
    expect(canonicalCommandBytes(reordered)).toEqual(canonicalCommandBytes(command));
    expect(canonicalJson({ b: [2, { d: 1, c: null }], a: 'x' })).toBe('{"a":"x","b":[2,{"c":null,"d":1}]}');
  });

  it('accepts a signed command frame and rejects an exec without argv', () => {
    expect(RelayFrame.safeParse({ type: 'command', command, signature: 'c2ln' }).success).toBe(true);
    const bad = { ...command, kind: 'exec', argv: [] };
    expect(RelayFrame.safeParse({ type: 'command', command: bad, signature: 'c2ln' }).success).toBe(false);
  });
});
