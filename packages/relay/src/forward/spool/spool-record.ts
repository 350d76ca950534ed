import { crc32 } from 'node:zlib';

/**
 * One spooled record on disk: `<crc32 as 8 lowercase hex digits> <json>\n`.
 * The checksum (CRC-32, `zlib.crc32`) covers the JSON's UTF-8 bytes, so a
 * damaged digit that leaves the JSON valid (a `seq` 56 read back as 57) is
 * found out instead of being replayed and stored as truth.
 */
export const RECORD_PREFIX_BYTES = 9;

/** Why a spooled line was not replayed (label of `labmgr_relay_spool_quarantined_records_total`). */
export type DamageReason =
  /** The checksum does not match the bytes (or the line has no well-formed checksum). */
  | 'checksum'
  /** The last line of a segment without its newline: a write cut short. */
  | 'torn'
  /** Intact (or written without checksum by an earlier version) but not JSON or not an item. */
  | 'invalid';

export const DAMAGE_REASONS: readonly DamageReason[] = ['checksum', 'torn', 'invalid'];

/** Fails fast on a Node.js without `zlib.crc32` (before 20.15 / 22.2) rather than at the first spooled frame. */
export function assertChecksumSupport(): void {
  if (typeof crc32 !== 'function') {
    throw new Error('the relay spool needs Node.js 20.15 or later (zlib.crc32); upgrade Node.js');
  }
}

export function checksum(bytes: Uint8Array): number {
  return crc32(bytes) >>> 0;
}

/** The record of one item's text, newline included: one buffer, the text encoded once. */
export function encodeRecord(text: string): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const record = Buffer.allocUnsafe(RECORD_PREFIX_BYTES + length + 1);
  record.write(text, RECORD_PREFIX_BYTES, length, 'utf8');
  const sum = checksum(record.subarray(RECORD_PREFIX_BYTES, RECORD_PREFIX_BYTES + length));
  record.write(sum.toString(16).padStart(8, '0'), 0, 8, 'latin1');
  record[RECORD_PREFIX_BYTES - 1] = 0x20;
  record[record.length - 1] = 0x0a;
  return record;
}

/** Value of a lowercase hex digit byte, or -1. */
function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/**
 * The text of one record line (newline excluded), or `undefined` when its
 * checksum is missing, malformed or wrong.
 */
export function verifyRecord(line: Buffer): string | undefined {
  if (line.length < RECORD_PREFIX_BYTES || line[RECORD_PREFIX_BYTES - 1] !== 0x20) return undefined;
  let expected = 0;
  for (let i = 0; i < RECORD_PREFIX_BYTES - 1; i++) {
    const digit = hexDigit(line[i] ?? 0);
    if (digit < 0) return undefined;
    expected = expected * 16 + digit;
  }
  const body = line.subarray(RECORD_PREFIX_BYTES);
  if (checksum(body) !== expected) return undefined;
  return body.toString('utf8');
}
