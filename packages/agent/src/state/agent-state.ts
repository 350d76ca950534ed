import { join } from 'node:path';
import type { EnrollResponse } from '@labmgr/protocol';
import { checkEnrollResponse, checkIsoDateTime } from '@labmgr/protocol/compiled';
import { asRecord, ensurePrivateDir, readJsonFile, writeFileAtomic } from './files.js';

/** What `enroll` stores: the server's answer plus where and when it was obtained. */
export interface AgentState extends EnrollResponse {
  /** Base URL given to `enroll --server`, without a trailing slash. */
  readonly serverUrl: string;
  /** ISO-8601 time of enrollment. */
  readonly enrolledAt: string;
}

/** The state file exists but cannot be used; the agent must be enrolled again. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

export const STATE_FILE = 'state.json';

export function stateFilePath(stateDir: string): string {
  return join(stateDir, STATE_FILE);
}

/** Writes `state.json` (mode 0600, directory 0700) atomically and durably. */
export async function saveAgentState(stateDir: string, state: AgentState): Promise<void> {
  await ensurePrivateDir(stateDir);
  await writeFileAtomic(stateFilePath(stateDir), `${JSON.stringify(state, null, 2)}\n`);
}

/** The stored enrollment, or `null` when the agent was never enrolled. */
export async function loadAgentState(stateDir: string): Promise<AgentState | null> {
  const path = stateFilePath(stateDir);
  let json: unknown;
  try {
    json = await readJsonFile(path);
  } catch (err) {
    if (err instanceof SyntaxError) throw new StateFileError(`${path} is damaged; enroll the agent again`);
    throw new StateFileError(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (json === undefined) return null;
  const record = asRecord(json);
  const enrollment = checkEnrollResponse(record);
  const enrolledAt = checkIsoDateTime(record?.enrolledAt);
  const serverUrl = record?.serverUrl;
  if (!enrollment.ok || !enrolledAt.ok || typeof serverUrl !== 'string') {
    throw new StateFileError(`${path} is damaged; enroll the agent again`);
  }
  const { computerId, credential, relayUrl, serverCertFingerprint, commandPublicKey } = enrollment.value;
  return {
    computerId,
    credential,
    relayUrl,
    serverCertFingerprint,
    commandPublicKey,
    serverUrl,
    enrolledAt: enrolledAt.value,
  };
}
