/**
 * The protocol for processes that must stay small (the agent): the shared
 * schemas compiled ahead of time into plain validators (see
 * scripts/generate-validators.ts), and the constants and helpers that need no
 * zod. Importing this module never loads zod; `import type` from the main
 * entry for the types.
 */

import * as generated from './generated/validators.js';
import type {
  CommandResultFrame,
  EnrollResponse,
  ErrorBody,
  Inventory,
  MetricSample,
  MetricsFrame,
  RelayFrame,
} from './index.js';
import { type ParseResult, truncate } from './parse.js';

export { canonicalCommandBytes, canonicalJson } from './canonical.js';
export { CloseCode } from './close-codes.js';
export { type ParseResult, truncate } from './parse.js';
export { PROTOCOL_VERSION } from './version.js';

interface CompiledError {
  instancePath: string;
  message?: string;
}
interface CompiledValidator {
  (value: unknown): boolean;
  errors?: CompiledError[] | null;
}

/** Checks a decoded value; on success the value itself (defaults filled in) is returned. */
export type Check<T> = (value: unknown) => ParseResult<T>;

function check<T>(validate: CompiledValidator): Check<T> {
  return (value) => {
    if (validate(value)) return { ok: true, value: value as T };
    return { ok: false, reason: truncate(describe(validate.errors?.[0])) };
  };
}

/** The same `path: message` shape as the zod side's reasons. */
function describe(error: CompiledError | undefined): string {
  if (!error) return 'invalid value';
  const path = error.instancePath ? error.instancePath.slice(1).replaceAll('/', '.') : '(root)';
  return `${path}: ${error.message ?? 'invalid'}`;
}

export const checkRelayFrame: Check<RelayFrame> = check(generated.RelayFrame);
export const checkMetricSample: Check<MetricSample> = check(generated.MetricSample);
export const checkMetricsFrame: Check<MetricsFrame> = check(generated.MetricsFrame);
export const checkInventory: Check<Inventory> = check(generated.Inventory);
export const checkCommandResultFrame: Check<CommandResultFrame> = check(generated.CommandResultFrame);
export const checkEnrollResponse: Check<EnrollResponse> = check(generated.EnrollResponse);
export const checkErrorBody: Check<ErrorBody> = check(generated.ErrorBody);
export const checkIsoDateTime: Check<string> = check(generated.IsoDateTime);

/** Parses one text frame and checks it; never throws. */
export function parseChecked<T>(checkValue: Check<T>, text: string): ParseResult<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'frame is not valid JSON' };
  }
  return checkValue(json);
}
