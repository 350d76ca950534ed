import { CloseCode } from '@labmgr/protocol';
import type { RawData } from 'ws';

/** The text of a frame as `ws` delivers it (a Buffer, or fragments of one). */
export function toText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/**
 * A hello from a newer agent may not match this relay's schema at all; its
 * version number still deserves the precise close code.
 */
export function sniffHelloVersion(text: string): number | undefined {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null || !('type' in json) || json.type !== 'hello')
      return undefined;
    return 'protocolVersion' in json && typeof json.protocolVersion === 'number'
      ? json.protocolVersion
      : undefined;
  } catch {
    return undefined;
  }
}

/** The close code `ws` sends after a protocol error it reports with `err.code`. */
export function wsErrorCloseCode(code: string | undefined): number {
  switch (code) {
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
      return CloseCode.messageTooBig;
    case 'WS_ERR_INVALID_UTF8':
      return 1007;
    default:
      return code?.startsWith('WS_ERR_') ? 1002 : 1006;
  }
}
