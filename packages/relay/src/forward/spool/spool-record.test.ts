import { describe, expect, it } from 'vitest';
import { checksum, encodeRecord, verifyRecord } from './spool-record.js';
import { parseSegment } from './spool-segments.js';

const line = (record: Buffer) => record.subarray(0, record.length - 1);
const decode = (text: string) => {
  const v: unknown = JSON.parse(text);
  return typeof v === 'object' && v !== null && 'n' in v ? (v as { n: number }) : undefined;
};

describe('spool record', () => {
  it('is CRC-32 (the check value of "123456789") as 8 hex digits, a space, the JSON and a newline', () => {
    expect(checksum(Buffer.from('123456789'))).toBe(0xcbf43926);
    const record = encodeRecord('{"seq":56,"text":"é"}');
    expect(record.toString('utf8')).toMatch(/^[0-9a-f]{8} \{"seq":56,"text":"é"\}\n$/);
    expect(verifyRecord(line(record))).toBe('{"seq":56,"text":"é"}');
  });

  it('fails the check when one digit changes and the JSON stays valid', () => {
    const record = line(encodeRecord('{"seq":56}'));
    const flipped = Buffer.from(record.toString('latin1').replace('56', '57'), 'latin1');
    expect(JSON.parse(flipped.subarray(9).toString())).toEqual({ seq: 57 });
    expect(verifyRecord(flipped)).toBeUndefined();
  });

  it('fails the check without a well-formed checksum', () => {
    expect(verifyRecord(Buffer.from('{"seq":56}'))).toBeUndefined();
    expect(verifyRecord(Buffer.from('ABCDEF01 {"seq":56}'))).toBeUndefined();
    expect(verifyRecord(Buffer.from('0123abc {"seq":56}'))).toBeUndefined();
    expect(verifyRecord(Buffer.from(''))).toBeUndefined();
  });

  it('splits a segment into items and damaged records with their byte offsets', () => {
    const good1 = encodeRecord('{"n":1}');
    const damaged = Buffer.from(encodeRecord('{"n":2}').toString().replace('2', '3'));
    const notItem = encodeRecord('{"x":1}');
    const good2 = encodeRecord('{"n":4}');
    const torn = encodeRecord('{"n":5}').subarray(0, 12);
    const bytes = Buffer.concat([good1, damaged, notItem, good2, torn]);
    const content = parseSegment(bytes, decode, { name: 'seg-1.crc.jsonl', checksummed: true });
    expect(content.items).toEqual([{ n: 1 }, { n: 4 }]);
    expect(content.weights).toEqual([16, 16]);
    expect(content.damaged.map(({ segment, offset, reason }) => ({ segment, offset, reason }))).toEqual([
      { segment: 'seg-1.crc.jsonl', offset: 17, reason: 'checksum' },
      { segment: 'seg-1.crc.jsonl', offset: 34, reason: 'invalid' },
      { segment: 'seg-1.crc.jsonl', offset: 68, reason: 'torn' },
    ]);
    expect(content.damaged[0]?.line.toString()).toBe(line(damaged).toString());
  });

  it('reads a segment of an earlier version as bare JSON lines, without a check', () => {
    const content = parseSegment(Buffer.from('{"n":1}\n{"n":2}\nnope\n'), decode, {
      name: 'seg-1.jsonl',
      checksummed: false,
    });
    expect(content.items).toEqual([{ n: 1 }, { n: 2 }]);
    expect(content.damaged).toMatchObject([{ offset: 16, reason: 'invalid' }]);
  });

  it('never accepts a bare JSON line in a checksummed segment', () => {
    const content = parseSegment(Buffer.from('{"n":1}\n'), decode, { name: 's', checksummed: true });
    expect(content.items).toEqual([]);
    expect(content.damaged).toMatchObject([{ offset: 0, reason: 'checksum' }]);
  });
});
