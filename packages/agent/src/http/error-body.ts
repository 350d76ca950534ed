import { checkErrorBody } from '@labmgr/protocol/compiled';

/**
 * The human message of an API error response (`{"error":{"code","message"}}`),
 * or `null` when the body is not one (a proxy's HTML page, an empty body, …).
 */
export function errorBodyMessage(body: string): string | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const parsed = checkErrorBody(json);
  return parsed.ok ? parsed.value.error.message : null;
}
