import { parseArgs } from 'node:util';
import { openSampleBuffer } from '../buffer/open-buffer.js';
import { createCollector } from '../collectors/create-collector.js';
import { CommandService, loadPolicy, PolicyFileError } from '../commands/index.js';
import { isWssUrl } from '../connection/socket.js';
import { createLogger } from '../logging/logger.js';
import { AgentRunner } from '../run/agent-runner.js';
import { loadAgentState, StateFileError, stateFilePath } from '../state/agent-state.js';
import { AGENT_VERSION } from '../version.js';
import { parseOrUsage, resolveFromArgs, settingOptions } from './args.js';
import { type Command, ExitCode } from './io.js';
import { RUN_USAGE } from './usage.js';

/** `labmgr-agent run`: the long-running agent, until SIGINT or SIGTERM. */
export const runCommand: Command = {
  usage: RUN_USAGE,
  async run(args, io) {
    const { values } = parseOrUsage(() => parseArgs({ args, options: settingOptions, strict: true }));
    if (values.help) {
      io.stdout(RUN_USAGE);
      return ExitCode.ok;
    }
    const { settings, configFile } = resolveFromArgs(values, io);
    const { stateDir } = settings;

    let state: Awaited<ReturnType<typeof loadAgentState>>;
    try {
      state = await loadAgentState(stateDir);
    } catch (err) {
      if (!(err instanceof StateFileError)) throw err;
      io.stderr(`cannot start: ${err.message}`);
      return ExitCode.usage;
    }
    if (!state) {
      io.stderr(
        `not enrolled: no agent state in ${stateDir}\n` +
          'enroll first: labmgr-agent enroll --server URL --token TOKEN (or pass --state-dir)',
      );
      return ExitCode.usage;
    }
    if (state.serverCertFingerprint !== null && !isWssUrl(state.relayUrl)) {
      // A pinned agent connects over TLS with that pin or not at all (the connection would refuse too).
      io.stderr(
        `cannot start: the relay URL in ${stateFilePath(stateDir)} is ${state.relayUrl}, but this agent ` +
          `pinned the server's certificate (${state.serverCertFingerprint}), so it only connects over ` +
          'wss:// and will not send its credential in clear.\n' +
          'Enroll again (labmgr-agent enroll --server https://… --token TOKEN), or correct relayUrl to the ' +
          "relay's wss:// URL.",
      );
      return ExitCode.usage;
    }

    const log = createLogger(settings.logLevel, undefined, settings.logFormat);
    if (configFile) log.info({ configFile }, 'settings read from config file');
    let policy: Awaited<ReturnType<typeof loadPolicy>>;
    try {
      policy = await loadPolicy(settings.policyFile);
    } catch (err) {
      if (!(err instanceof PolicyFileError)) throw err;
      io.stderr(`cannot start: ${err.message}`);
      return ExitCode.usage;
    }
    const { seq, store } = await openSampleBuffer(stateDir, {
      log: log.child({ component: 'buffer' }),
      maxSamples: settings.bufferMaxSamples,
      maxBytes: settings.bufferMaxBytes,
    });
    let commands: CommandService | undefined;
    const runner = new AgentRunner({
      state,
      stateDir,
      intervalMs: settings.intervalMs,
      log,
      agentVersion: AGENT_VERSION,
      collector: await createCollector(),
      seq,
      store,
      commands: (send) => {
        commands = new CommandService({
          stateDir,
          computerId: state.computerId,
          commandPublicKey: state.commandPublicKey,
          policy,
          send,
          logger: log.child({ component: 'commands' }),
        });
        return commands;
      },
    });
    await runner.start();
    const signal = await shutdownSignal();
    log.info({ signal }, 'shutting down');
    // Commands first, so the results of the ones it kills still go out while connected.
    await commands?.close();
    await runner.stop();
    // Last: the clean-shutdown marker lets the next start continue numbering without a gap.
    store.close();
    return ExitCode.ok;
  },
};

function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
