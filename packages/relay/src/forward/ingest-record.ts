import { IngestItem } from '@labmgr/protocol';
import type { ForwardItem } from '../backend/backend-client.js';

/**
 * A spooled ingest item as text: `<computerId>\t<receivedAt>\t<frame text>`.
 * The frame is the agent's own JSON text, checked when it arrived, so replay
 * costs a split, not a parse and a second validation; the record's checksum
 * (see `spool-record.ts`) is what vouches for it on the way back. A raw
 * newline in valid JSON can only be whitespace (strings escape theirs), so
 * it becomes a space and the record stays one line.
 */
export function encodeIngestRecord(item: ForwardItem): string {
  const text = item.text.includes('\n') ? item.text.replace(/\n/g, ' ') : item.text;
  return `${item.computerId}\t${item.receivedAt}\t${text}`;
}

/**
 * An item back from its record; `undefined` marks the record damaged. Also
 * reads the records of earlier relay versions, which spooled the item as a
 * JSON object (`{"computerId",…,"text"}` or, before that, with the frame as
 * an object): those are parsed and validated, as they were.
 */
export function decodeIngestRecord(record: string): ForwardItem | undefined {
  if (record.startsWith('{')) return decodeLegacyItem(JSON.parse(record));
  const tab1 = record.indexOf('\t');
  const tab2 = tab1 === -1 ? -1 : record.indexOf('\t', tab1 + 1);
  if (tab1 <= 0 || tab2 === -1) return undefined;
  const receivedAt = Number(record.slice(tab1 + 1, tab2));
  const text = record.slice(tab2 + 1);
  if (!Number.isSafeInteger(receivedAt) || receivedAt < 0 || !text.startsWith('{')) return undefined;
  return { computerId: record.slice(0, tab1), receivedAt, text };
}

function decodeLegacyItem(value: unknown): ForwardItem | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { computerId, receivedAt, text, frame } = value as Record<string, unknown>;
  let parsed: unknown = frame;
  if (typeof text === 'string') {
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  const item = IngestItem.safeParse({ computerId, receivedAt, frame: parsed });
  if (!item.success) return undefined;
  return {
    computerId: item.data.computerId,
    receivedAt: item.data.receivedAt,
    text: typeof text === 'string' ? text : JSON.stringify(item.data.frame),
  };
}
