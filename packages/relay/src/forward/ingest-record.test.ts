import { fixtures } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import type { ForwardItem } from '../backend/backend-client.js';
import { decodeIngestRecord, encodeIngestRecord } from './ingest-record.js';

const A = '11111111-1111-4111-8111-111111111111';

function metrics(seq: number, text?: string): ForwardItem {
  return {
    computerId: A,
    receivedAt: 1_765_000_000_000 + seq,
    text: text ?? JSON.stringify({ type: 'metrics', seq, sample: fixtures.sample(), dropped: 0 }),
  };
}

describe('spooled ingest records', () => {
  it('read back as written, the frame text untouched', () => {
    const item = metrics(3);
    const record = encodeIngestRecord(item);
    expect(record).not.toContain('\n');
    expect(record.startsWith(`${A}\t${item.receivedAt}\t{`)).toBe(true);
    expect(decodeIngestRecord(record)).toEqual(item);
  });

  it('stay one line when the agent sent its JSON with newlines (whitespace only in valid JSON)', () => {
    const pretty = JSON.stringify(
      { type: 'metrics', seq: 4, sample: fixtures.sample(), dropped: 0 },
      null,
      2,
    );
    const record = encodeIngestRecord(metrics(4, pretty));
    expect(record).not.toContain('\n');
    const back = decodeIngestRecord(record);
    expect(back && JSON.parse(back.text)).toEqual(JSON.parse(pretty));
  });

  it('read the JSON records of earlier relay versions (text, or the frame as an object)', () => {
    const item = metrics(5);
    expect(decodeIngestRecord(JSON.stringify(item))).toEqual(item);
    const old = { computerId: A, receivedAt: item.receivedAt, frame: JSON.parse(item.text) };
    expect(decodeIngestRecord(JSON.stringify(old))).toEqual(item);
  });

  it('are refused when malformed', () => {
    expect(decodeIngestRecord('')).toBeUndefined();
    expect(decodeIngestRecord(`${A}\t12`)).toBeUndefined();
    expect(decodeIngestRecord(`\t12\t{}`)).toBeUndefined();
    expect(decodeIngestRecord(`${A}\tsoon\t{}`)).toBeUndefined();
    expect(decodeIngestRecord(`${A}\t-1\t{}`)).toBeUndefined();
    expect(decodeIngestRecord(`${A}\t12\tnot json`)).toBeUndefined();
    expect(decodeIngestRecord(JSON.stringify({ ...metrics(1), computerId: 'x' }))).toBeUndefined();
    expect(
      decodeIngestRecord(JSON.stringify({ ...metrics(1), text: '{"type":"ping","ts":1}' })),
    ).toBeUndefined();
    expect(() => decodeIngestRecord('{')).toThrow();
  });
});
