import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { EnrollRequest, EnrollResponse } from '@labmgr/protocol';
import { checkEnrollResponse } from '@labmgr/protocol/compiled';
import { isWssUrl } from '../connection/socket.js';
import { errorBodyMessage } from '../http/error-body.js';
import { InsecureUrlError, postJson, RequestTimeoutError } from '../http/post-json.js';
import { CertificateError, normalizeFingerprint } from '../http/tls-pin.js';
import { loadAgentState, saveAgentState, stateFilePath } from '../state/agent-state.js';
import { parseOrUsage, pathOptions, required, resolveFromArgs, UsageError } from './args.js';
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
        options: {
          ...pathOptions,
          server: { type: 'string' },
          token: { type: 'string' },
          fingerprint: { type: 'string' },
        },
        strict: true,
      }),
    );
    if (values.help) {
      io.stdout(ENROLL_USAGE);
      return ExitCode.ok;
    }
    const server = parseServerUrl(required(values.server, '--server'));
    const token = required(values.token, '--token');
    const pin = parsePin(values.fingerprint, server);
    const { stateDir } = resolveFromArgs(values, io).settings;

    const result = await requestEnrollment(
      server,
      { token, hostname: hostname().slice(0, 253) || 'localhost' },
      pin,
    );
    if (!result.ok) {
      io.stderr(`enroll failed: ${result.message}`);
      return ExitCode.failed;
    }
    // The server names the certificate its relay presents; what was pinned
    // for this first contact is the fallback when it names none.
    const returned = result.value.serverCertFingerprint;
    const serverCertFingerprint = returned === null ? pin : normalizeFingerprint(returned);
    if (serverCertFingerprint === null && returned !== null) {
      io.stderr(`enroll failed: the server returned an invalid certificate fingerprint ("${returned}")`);
      return ExitCode.failed;
    }
    // A server reached over TLS (or a certificate to pin) means the relay must be TLS too:
    // a ws:// relay would get the credential in clear. Nothing is saved.
    const { relayUrl } = result.value;
    if ((server.protocol === 'https:' || serverCertFingerprint !== null) && !isWssUrl(relayUrl)) {
      io.stderr(
        `enroll failed: the server named the relay URL ${relayUrl}, which is not wss://; the agent would ` +
          "send its credential to it unencrypted, so nothing was saved. The server's administrator should " +
          "set LABMGR_RELAY_URL to the relay's wss:// URL (e.g. wss://relay.example.edu:8081/agent); then " +
          'enroll again (with a new token if this one is used up).',
      );
      return ExitCode.failed;
    }
    const previous = await loadAgentState(stateDir).catch(() => null);
    if (previous) io.stderr(`replacing the previous enrollment (computer ${previous.computerId})`);
    const serverUrl = server.href.replace(/\/+$/, '');
    await saveAgentState(stateDir, {
      ...result.value,
      serverCertFingerprint,
      serverUrl,
      enrolledAt: new Date().toISOString(),
    });
    io.stderr(
      `enrolled with ${serverUrl}; relay ${relayUrl}` +
        `${serverCertFingerprint ? `; certificate pinned (${serverCertFingerprint})` : ''}; state in ${stateFilePath(stateDir)}`,
    );
    io.stdout(result.value.computerId);
    return ExitCode.ok;
  },
};

/** Accepts http(s) URLs only. */
function parseServerUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--server must be a URL such as http://127.0.0.1:8080 (got "${raw}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--server must be an http:// or https:// URL (got "${raw}")`);
  }
  return url;
}

function parsePin(raw: string | undefined, server: URL): string | null {
  if (raw === undefined) return null;
  const pin = normalizeFingerprint(raw);
  if (pin === null) {
    throw new UsageError(
      '--fingerprint must be a SHA-256 certificate fingerprint: 64 hex digits, colons optional',
    );
  }
  if (server.protocol !== 'https:') throw new UsageError('--fingerprint needs an https:// --server');
  return pin;
}

type EnrollResult = { ok: true; value: EnrollResponse } | { ok: false; message: string };

/** POSTs the token; every way this can fail becomes one human-readable message. */
export async function requestEnrollment(
  server: URL,
  request: EnrollRequest,
  pin: string | null,
): Promise<EnrollResult> {
  const base = server.href.replace(/\/+$/, '');
  let res: Awaited<ReturnType<typeof postJson>>;
  try {
    res = await postJson(new URL(`${base}/api/v1/agents/enroll`), request, {
      timeoutMs: ENROLL_TIMEOUT_MS,
      pin,
    });
  } catch (err) {
    return { ok: false, message: failureMessage(base, err) };
  }
  if (res.status < 200 || res.status > 299) {
    return {
      ok: false,
      message: errorBodyMessage(res.body) ?? `server answered HTTP ${res.status} ${res.statusText}`.trim(),
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch {
    return { ok: false, message: `server answered HTTP ${res.status} with a body that is not JSON` };
  }
  const parsed = checkEnrollResponse(json);
  if (!parsed.ok) return { ok: false, message: `unexpected answer from server (${parsed.reason})` };
  return { ok: true, value: parsed.value };
}

function failureMessage(base: string, err: unknown): string {
  if (err instanceof CertificateError && err.reason === 'untrusted') {
    return (
      `refusing ${base}: ${err.message}. If this server uses its own certificate, compare that ` +
      'fingerprint with the one its administrator gives you and pass it with --fingerprint SHA256'
    );
  }
  if (err instanceof CertificateError) return `refusing ${base}: ${err.message}`;
  if (err instanceof InsecureUrlError) return err.message;
  if (err instanceof RequestTimeoutError) return `cannot reach ${base}: ${err.message}`;
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') {
    return `cannot reach ${base}: ${err.code} (${err.message})`;
  }
  return `cannot reach ${base}: ${err instanceof Error ? err.message : String(err)}`;
}
