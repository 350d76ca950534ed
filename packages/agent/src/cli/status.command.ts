import { parseArgs } from 'node:util';
import { type AgentState, loadAgentState } from '../state/agent-state.js';
import { type RunStatus, readRunStatus } from '../state/run-status.js';
import { parseOrUsage, pathOptions, resolveFromArgs } from './args.js';
import { type Command, ExitCode } from './io.js';
import { STATUS_USAGE } from './usage.js';

/** `run` rewrites status.json every 5 s; three missed writes mean it is gone. */
const STALE_AFTER_MS = 15_000;

/** `labmgr-agent status`: enrollment plus what the `run` process last reported. */
export const statusCommand: Command = {
  usage: STATUS_USAGE,
  async run(args, io) {
    const { values } = parseOrUsage(() =>
      parseArgs({ args, options: { ...pathOptions, json: { type: 'boolean' } }, strict: true }),
    );
    if (values.help) {
      io.stdout(STATUS_USAGE);
      return ExitCode.ok;
    }
    const { stateDir } = resolveFromArgs(values, io).settings;
    let state: AgentState | null = null;
    let problem: string | null = null;
    try {
      state = await loadAgentState(stateDir);
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
    const run = state ? await readRunStatus(stateDir) : null;
    const running = run !== null && isRunning(run);
    if (values.json) {
      io.stdout(JSON.stringify(toJson(stateDir, state, run, running, problem), null, 2));
    } else {
      io.stdout(toText(stateDir, state, run, running, problem));
    }
    return state ? ExitCode.ok : ExitCode.usage;
  },
};

function isRunning(run: RunStatus): boolean {
  if (Date.now() - run.updatedAt > STALE_AFTER_MS) return false;
  try {
    process.kill(run.pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else (e.g. the service user).
    return err instanceof Error && 'code' in err && err.code === 'EPERM';
  }
}

function toJson(
  stateDir: string,
  state: AgentState | null,
  run: RunStatus | null,
  running: boolean,
  problem: string | null,
) {
  return {
    enrolled: state !== null,
    stateDir,
    ...(problem ? { error: problem } : {}),
    computerId: state?.computerId ?? null,
    serverUrl: state?.serverUrl ?? null,
    relayUrl: state?.relayUrl ?? null,
    serverCertFingerprint: state?.serverCertFingerprint ?? null,
    enrolledAt: state?.enrolledAt ?? null,
    running,
    run,
  };
}

function toText(
  stateDir: string,
  state: AgentState | null,
  run: RunStatus | null,
  running: boolean,
  problem: string | null,
): string {
  if (!state) {
    return [
      'enrolled:     no',
      `state dir:    ${stateDir}`,
      ...(problem ? [`problem:      ${problem}`] : []),
      'enroll with:  labmgr-agent enroll --server URL --token TOKEN',
    ].join('\n');
  }
  const lines = [
    'enrolled:     yes',
    `computer id:  ${state.computerId}`,
    `server:       ${state.serverUrl}`,
    `relay:        ${state.relayUrl}`,
    `certificate:  ${certificateLine(state)}`,
    `enrolled at:  ${state.enrolledAt}`,
    `state dir:    ${stateDir}`,
  ];
  if (!run)
    return [...lines, 'agent:        no status yet (has "labmgr-agent run" been started?)'].join('\n');
  const at = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
  return [
    ...lines,
    running
      ? `agent:        running (pid ${run.pid}, status from ${at(run.updatedAt)})`
      : `agent:        not running (last status ${at(run.updatedAt)}, pid ${run.pid})`,
    `connected:    ${run.connected ? 'yes' : 'no'} (${run.state})`,
    `last ack:     ${run.lastAckSeq ?? '-'} at ${at(run.lastAckAt)}`,
    `last sample:  ${run.lastSeq ?? '-'}`,
    `buffered:     ${run.bufferedSamples} samples (${kib(run.bufferedBytes)}) waiting for ack`,
    `lost:         ${run.droppedSamples} samples in total (evicted from the full buffer before the server stored them)`,
    `interval:     ${run.intervalMs} ms`,
    `live mode:    ${run.liveMode ? `every ${run.liveMode.intervalMs} ms until ${at(run.liveMode.expiresAt)}` : 'off'}`,
    ...(run.lastError ? [`last error:   ${run.lastError}`] : []),
  ].join('\n');
}

function certificateLine(state: AgentState): string {
  if (state.serverCertFingerprint) return `pinned, SHA-256 ${state.serverCertFingerprint}`;
  return state.relayUrl.startsWith('wss:') ? 'verified against the system CAs' : 'none (plain ws://)';
}

function kib(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
