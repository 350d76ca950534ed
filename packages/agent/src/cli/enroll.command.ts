import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { type EnrollRequest, EnrollResponse } from '@labmgr/protocol';
import { resolveStateDir } from '../config/config.js';
import { errorBodyMessage } from '../http/error-body.js';
import { loadAgentState, saveAgentState, stateFilePath } from '../state/agent-state.js';
import { parseOrUsage, pathOptions, required, UsageError } from './args.js';
import { type Command, ExitCode } from './io.js';
import { ENROLL_USAGE } from './usage.js';

const ENROLL_TIMEOUT_MS = 15_000;

/** `labmgr-agent enroll`: token in, credential stored, computer id out. */
export const enrollCommand: Command = {
  usage: ENROLL_USAGE,
  async run(args, io) {
    const { values } = parseOrUsage(() =>
      parseArgs({
        args,
        options: { ...pathOptions, server: { type: 'string' }, token: { type: 'string' } },
        strict: true,
      }),
    );
    if (values.help) {
      io.stdout(ENROLL_USAGE);
      return ExitCode.ok;
    }
    const serverUrl = parseServerUrl(required(values.server, '--server'));
    const token = required(values.token, '--token');
    const stateDir = resolveStateDir(
      { stateDir: values['state-dir'], dataDir: values['data-dir'] },
      io.env,
      io.cwd,
    );

    const result = await requestEnrollment(serverUrl, {
      token,
      hostname: hostname().slice(0, 253) || 'localhost',
    });
    if (!result.ok) {
      io.stderr(`enroll failed: ${result.message}`);
      return ExitCode.failed;
    }
    const previous = await loadAgentState(stateDir).catch(() => null);
    if (previous) io.stderr(`replacing the previous enrollment (computer ${previous.computerId})`);
    await saveAgentState(stateDir, { ...result.value, serverUrl, enrolledAt: new Date().toISOString() });
    io.stderr(
      `enrolled with ${serverUrl}; relay ${result.value.relayUrl}; state in ${stateFilePath(stateDir)}`,
    );
    io.stdout(result.value.computerId);
    return ExitCode.ok;
  },
};

/** Accepts http(s) URLs only and drops trailing slashes, so `${base}/api/v1/...` is well-formed. */
function parseServerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--server must be a URL such as http://127.0.0.1:8080 (got "${raw}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--server must be an http:// or https:// URL (got "${raw}")`);
  }
  return url.href.replace(/\/+$/, '');
}

type EnrollResult = { ok: true; value: EnrollResponse } | { ok: false; message: string };

/** POSTs the token; every way this can fail becomes one human-readable message. */
export async function requestEnrollment(serverUrl: string, request: EnrollRequest): Promise<EnrollResult> {
  const url = `${serverUrl}/api/v1/agents/enroll`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(ENROLL_TIMEOUT_MS),
    });
    text = await res.text();
  } catch (err) {
    return { ok: false, message: `cannot reach ${serverUrl}: ${networkReason(err)}` };
  }
  if (!res.ok) {
    return {
      ok: false,
      message: errorBodyMessage(text) ?? `server answered HTTP ${res.status} ${res.statusText}`.trim(),
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: `server answered HTTP ${res.status} with a body that is not JSON` };
  }
  const parsed = EnrollResponse.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      message: `unexpected answer from server (${issue?.path.join('.') || 'body'}: ${issue?.message})`,
    };
  }
  return { ok: true, value: parsed.data };
}

/** fetch hides the useful part (ECONNREFUSED, ENOTFOUND, …) in `cause`. */
function networkReason(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError')
    return `no answer within ${ENROLL_TIMEOUT_MS / 1000} s`;
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error)
    return 'code' in cause && typeof cause.code === 'string'
      ? `${cause.code} (${cause.message})`
      : cause.message;
  return err instanceof Error ? err.message : String(err);
}
