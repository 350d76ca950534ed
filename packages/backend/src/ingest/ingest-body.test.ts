import { fixtures, IngestBatch, MAX_EPOCH_MS } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { checkIngestBody } from './ingest-body.js';

const id = '0b6f3c7e-2a4d-4c1b-9e8f-1a2b3c4d5e6f';
const metrics = (seq = 1) => ({
  type: 'metrics',
  seq,
  dropped: 0,
  sample: fixtures.sample(1_700_000_000_000),
});
const item = (over: Record<string, unknown> = {}) => ({
  computerId: id,
  receivedAt: 1_700_000_000_000,
  frame: metrics(),
  ...over,
});
const batch = (over: Record<string, unknown> = {}) => ({ relayId: 'relay-1', items: [item()], ...over });

/** Each case: the body, as the zod schema would judge it. */
const cases: [string, unknown][] = [
  ['a valid batch', batch()],
  [
    'several frame types',
    batch({ items: [item(), item({ frame: { type: 'inventory', inventory: fixtures.inventory() } })] }),
  ],
  ['extra keys everywhere', { ...batch({ items: [{ ...item(), extra: 1 }] }), more: true }],
  [
    'a frame without dropped (defaulted)',
    batch({ items: [item({ frame: { type: 'metrics', seq: 3, sample: fixtures.sample() } })] }),
  ],
  ['upper-case UUID', batch({ items: [item({ computerId: id.toUpperCase() })] })],
  ['nil UUID', batch({ items: [item({ computerId: '00000000-0000-0000-0000-000000000000' })] })],
  ['max UUID', batch({ items: [item({ computerId: 'ffffffff-ffff-ffff-ffff-ffffffffffff' })] })],
  ['receivedAt 0', batch({ items: [item({ receivedAt: 0 })] })],
  ['receivedAt at the limit', batch({ items: [item({ receivedAt: MAX_EPOCH_MS })] })],
  ['10,000 items', batch({ items: Array.from({ length: 10_000 }, () => item()) })],
  ['relayId of 128', batch({ relayId: 'r'.repeat(128) })],
  // Refused:
  ['not an object', [batch()]],
  ['null', null],
  ['a string', 'batch'],
  ['no relayId', { items: [item()] }],
  ['empty relayId', batch({ relayId: '' })],
  ['relayId of 129', batch({ relayId: 'r'.repeat(129) })],
  ['relayId a number', batch({ relayId: 7 })],
  ['no items', { relayId: 'r' }],
  ['items empty', batch({ items: [] })],
  ['items not an array', batch({ items: { 0: item() } })],
  ['10,001 items', batch({ items: Array.from({ length: 10_001 }, () => item()) })],
  ['an item null', batch({ items: [null] })],
  ['an item an array', batch({ items: [[item()]] })],
  ['no computerId', batch({ items: [{ receivedAt: 1, frame: metrics() }] })],
  ['computerId not a UUID', batch({ items: [item({ computerId: 'pc-1' })] })],
  [
    'computerId of version 9',
    batch({ items: [item({ computerId: '0b6f3c7e-2a4d-9c1b-9e8f-1a2b3c4d5e6f' })] }),
  ],
  [
    'computerId with a bad variant',
    batch({ items: [item({ computerId: '0b6f3c7e-2a4d-4c1b-7e8f-1a2b3c4d5e6f' })] }),
  ],
  ['computerId a number', batch({ items: [item({ computerId: 5 })] })],
  ['no receivedAt', batch({ items: [{ computerId: id, frame: metrics() }] })],
  ['receivedAt negative', batch({ items: [item({ receivedAt: -1 })] })],
  ['receivedAt fractional', batch({ items: [item({ receivedAt: 1.5 })] })],
  ['receivedAt past the limit', batch({ items: [item({ receivedAt: MAX_EPOCH_MS + 1 })] })],
  ['receivedAt a string', batch({ items: [item({ receivedAt: '1' })] })],
  ['no frame', batch({ items: [{ computerId: id, receivedAt: 1 }] })],
  ['a frame of an unknown type', batch({ items: [item({ frame: { type: 'hello' } })] })],
  ['a metrics frame with seq 0', batch({ items: [item({ frame: metrics(0) })] })],
  [
    'a sample with a bad figure',
    batch({ items: [item({ frame: { ...metrics(), sample: { ...fixtures.sample(), uptimeSec: -1 } } })] }),
  ],
  ['the bad item last', batch({ items: [item(), item(), item({ receivedAt: -5 })] })],
];

describe('checkIngestBody', () => {
  it.each(cases)('agrees with the IngestBatch zod schema: %s', (_name, body) => {
    const expected = IngestBatch.safeParse(structuredClone(body)).success;
    const checked = checkIngestBody(structuredClone(body));
    expect(checked !== undefined).toBe(expected);
  });

  it('returns the body itself, frames with their defaults filled in as zod does', () => {
    const body = batch({ items: [item({ frame: { type: 'metrics', seq: 3, sample: fixtures.sample() } })] });
    const checked = checkIngestBody(body);
    expect(checked).toBe(body);
    expect(checked?.items[0]?.frame).toEqual(IngestBatch.parse(structuredClone(body)).items[0]?.frame);
  });
});
