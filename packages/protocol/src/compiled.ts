/**
 * The protocol for processes that must stay small (the agent): the shared
 * schemas compiled ahead of time into plain validators (see
 * scripts/generate-validators.ts), and the constants and helpers that need no
 * zod. Importing this module never loads zod; `import type` from the main
 * entry for the types.
 */

import * as generated from './generated/validators.js';
import type {
  AgentDataFrame,
  AgentFrame,
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

/** Compiled validator of each agent frame, by its `type`. */
const agentFrames: Readonly<Record<AgentFrame['type'], CompiledValidator>> = {
  hello: generated.HelloFrame,
  inventory: generated.InventoryFrame,
  metrics: generated.MetricsFrame,
  ping: generated.PingFrame,
  pong: generated.PongFrame,
  'command-started': generated.CommandStartedFrame,
  'command-output': generated.CommandOutputFrame,
  'command-result': generated.CommandResultFrame,
};
const dataFrameTypes: ReadonlySet<string> = new Set<AgentDataFrame['type']>([
  'inventory',
  'metrics',
  'command-started',
  'command-output',
  'command-result',
]);

function checkTagged<T>(
  validators: Readonly<Record<string, CompiledValidator>>,
  types: Iterable<string>,
): Check<T> {
  const expected = `type: must be one of ${[...types].join(', ')}`;
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { ok: false, reason: '(root): must be object' };
    const type = (value as { type?: unknown }).type;
    const validate =
      typeof type === 'string' && Object.hasOwn(validators, type) ? validators[type] : undefined;
    if (!validate) return { ok: false, reason: truncate(expected) };
    if (validate(value)) return { ok: true, value: value as T };
    return { ok: false, reason: truncate(describe(validate.errors?.[0])) };
  };
}

/** `AgentFrame` (what an agent may send a relay): the branch is picked by `type`. */
export const checkAgentFrame: Check<AgentFrame> = checkTagged(agentFrames, Object.keys(agentFrames));
/** `AgentDataFrame` (the agent frames a relay forwards to the backend). */
export const checkAgentDataFrame: Check<AgentDataFrame> = checkTagged(
  Object.fromEntries(Object.entries(agentFrames).filter(([type]) => dataFrameTypes.has(type))),
  dataFrameTypes,
);

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
