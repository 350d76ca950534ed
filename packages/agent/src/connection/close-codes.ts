import { CloseCode } from '@labmgr/protocol/compiled';

const names = new Map<number, string>(Object.entries(CloseCode).map(([name, code]) => [code, name]));
names.set(1000, 'normal');
names.set(1006, 'abnormal');
names.set(1011, 'internalError');

/** A readable name for a close code (`unauthorized` for 4401), for log lines. */
export function closeCodeName(code: number): string {
  return names.get(code) ?? 'unknown';
}
