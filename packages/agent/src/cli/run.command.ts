import { parseArgs } from 'node:util';
import { SeqAllocator } from '../buffer/seq-allocator.js';
import { createCollector } from '../collectors/create-collector.js';
import { resolveIntervalMs, resolveLogLevel, resolveStateDir } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import { AgentRunner } from '../run/agent-runner.js';
import { loadAgentState, StateFileError } from '../state/agent-state.js';
import { AGENT_VERSION } from '../version.js';
import { parseOrUsage, pathOptions } from './args.js';
import { type Command, ExitCode } from './io.js';
import { RUN_USAGE } from './usage.js';

/** `labmgr-agent run`: the long-running agent, until SIGINT or SIGTERM. */
export const runCommand: Command = {
  usage: RUN_USAGE,
  async run(args, io) {
    const { values } = parseOrUsage(() =>
      parseArgs({ args, options: { ...pathOptions, 'interval-ms': { type: 'string' } }, strict: true }),
    );
    if (values.help) {
      io.stdout(RUN_USAGE);
      return ExitCode.ok;
    }
    const stateDir = resolveStateDir(
      { stateDir: values['state-dir'], dataDir: values['data-dir'] },
      io.env,
      io.cwd,
    );
    const intervalMs = resolveIntervalMs(values['interval-ms'], io.env);
    const level = resolveLogLevel(io.env);

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

    const log = createLogger(level);
    const runner = new AgentRunner({
      state,
      stateDir,
      intervalMs,
      log,
      agentVersion: AGENT_VERSION,
      collector: await createCollector(),
      seq: await SeqAllocator.open(stateDir, { log }),
    });
    await runner.start();
    const signal = await shutdownSignal();
    log.info({ signal }, 'shutting down');
    await runner.stop();
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
