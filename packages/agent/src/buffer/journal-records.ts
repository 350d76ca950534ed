import { checkMetricsFrame } from '@labmgr/protocol/compiled';
import { asRecord } from '../state/files.js';

/**
 * One line of the sample journal. A sample line is the `metrics` frame text
 * itself, so it is sent as stored, never re-encoded. The other lines are
 * markers (`{"j":…}`) that change which samples are still waiting:
 *
 * - `ack`   the backend stored every sample <= seq
 * - `drop`  sample `seq` was evicted because the buffer was full, unsent: lost
 * - `sent-drop` sample `seq` was evicted after being sent on the live
 *           connection: lost only if no ack covers it before that connection ends
 * - `lost`  the connection ended: every `sent-drop` <= seq not acked is lost
 * - `open`  a `run` started; numbers <= seq may be in use (the seq floor)
 * - `meta`  written by compaction: counters that the removed lines carried
 * - `close` a clean shutdown; everything before it was fsynced
 *
 * Any prefix of the file is a consistent state, which is what makes a crash
 * at any point harmless.
 */
export type JournalRecord =
  | { readonly kind: 'sample'; readonly seq: number; readonly dropped: number }
  | { readonly kind: 'ack' | 'drop' | 'sent-drop' | 'lost' | 'close'; readonly seq: number }
  | { readonly kind: 'open'; readonly seq: number; readonly boot: string | null }
  | {
      readonly kind: 'meta';
      readonly lastSeq: number;
      readonly droppedTotal: number;
      readonly pendingDropped: number;
      /** `sent-drop` samples still waiting for their ack: seq and the count their frame carried. */
      readonly inFlight: ReadonlyArray<readonly [number, number]>;
      readonly boot: string | null;
    };

export type MarkerRecord = Exclude<JournalRecord, { kind: 'sample' }>;

/** The line (without newline) for a marker record. */
export function encodeMarker(record: MarkerRecord): string {
  const { kind, ...rest } = record;
  return JSON.stringify({ j: kind, ...rest });
}

/**
 * Parses one journal line, or explains why it cannot be used. Sample lines
 * are checked against the protocol schema: a frame the relay would reject
 * would otherwise block the head of the buffer for ever.
 */
export function parseRecord(line: string): JournalRecord | { readonly invalid: string } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { invalid: 'not JSON' };
  }
  const r = asRecord(json);
  if (!r) return { invalid: 'not an object' };
  if (r.type === 'metrics') {
    const frame = checkMetricsFrame(r);
    if (!frame.ok) return { invalid: `metrics frame fails the schema (${frame.reason})` };
    return { kind: 'sample', seq: frame.value.seq, dropped: frame.value.dropped };
  }
  const seq = r.seq;
  switch (r.j) {
    case 'ack':
    case 'drop':
    case 'sent-drop':
    case 'lost':
    case 'close':
      return isCount(seq) ? { kind: r.j, seq } : { invalid: `${r.j} without a valid seq` };
    case 'open':
      return isCount(seq)
        ? { kind: 'open', seq, boot: bootOf(r.boot) }
        : { invalid: 'open without a valid seq' };
    case 'meta': {
      const { lastSeq, droppedTotal, pendingDropped } = r;
      if (!isCount(lastSeq) || !isCount(droppedTotal) || !isCount(pendingDropped))
        return { invalid: 'bad meta' };
      const inFlight = inFlightOf(r.inFlight);
      if (inFlight === undefined) return { invalid: 'bad meta' };
      return { kind: 'meta', lastSeq, droppedTotal, pendingDropped, inFlight, boot: bootOf(r.boot) };
    }
    default:
      return { invalid: 'unknown record' };
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function bootOf(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** `[[seq, dropped], …]`; absent in journals written before it existed. */
function inFlightOf(v: unknown): Array<readonly [number, number]> | undefined {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return undefined;
  const out: Array<readonly [number, number]> = [];
  for (const pair of v) {
    if (!Array.isArray(pair) || pair.length !== 2 || !isCount(pair[0]) || !isCount(pair[1])) return undefined;
    out.push([pair[0], pair[1]]);
  }
  return out;
}
