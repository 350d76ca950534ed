import { crc32 } from 'node:zlib';

/**
 * One spooled record on disk: `<crc32 as 8 lowercase hex digits> <json>\n`.
 * The checksum (CRC-32, `zlib.crc32`) covers the JSON's UTF-8 bytes, so a
 * damaged digit that leaves the JSON valid (a `seq` 56 read back as 57) is
 * found out instead of being replayed and stored as truth.
 */
export const RECORD_PREFIX_BYTES = 9;

const HEX = /^[0-9a-f]{8}$/;

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

/** The record of one item's JSON text, newline included. */
export function encodeRecord(json: string): Buffer {
  const body = Buffer.from(json, 'utf8');
  const head = Buffer.from(`${checksum(body).toString(16).padStart(8, '0')} `, 'latin1');
  return Buffer.concat([head, body, Buffer.from('\n')]);
}

/**
 * The JSON text of one record line (newline excluded), or `undefined` when
 * its checksum is missing, malformed or wrong.
 */
export function verifyRecord(line: Buffer): string | undefined {
  if (line.length < RECORD_PREFIX_BYTES || line[RECORD_PREFIX_BYTES - 1] !== 0x20) return undefined;
  const hex = line.toString('latin1', 0, RECORD_PREFIX_BYTES - 1);
  if (!HEX.test(hex)) return undefined;
  const body = line.subarray(RECORD_PREFIX_BYTES);
  if (checksum(body) !== Number.parseInt(hex, 16)) return undefined;
  return body.toString('utf8');
}
