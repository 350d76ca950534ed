// The `labmgr-relay` command: read the configuration, start, stop on a signal.
// Everything else lives in modules that tests can start in-process.
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { type RunningRelay, startRelay } from './relay.js';

const result = loadConfig(process.argv.slice(2), process.env);
if (result.kind === 'help') {
  process.stdout.write(`${result.text}\n`);
  process.exit(0);
}
if (result.kind === 'error') {
  process.stderr.write(`labmgr-relay: ${result.message}\n`);
  process.exit(2);
}

const logger = createLogger(result.config.logLevel);
// Every agent and request handler is guarded; reaching these means a relay bug,
// and a supervisor restart is safer than running on in an unknown state.
process.on('uncaughtException', (err) => {
  logger.fatal({ err }, 'uncaught exception; exiting');
  process.exit(1);
});
process.on('unhandledRejection', (err) => {
  logger.fatal({ err }, 'unhandled promise rejection; exiting');
  process.exit(1);
});

let relay: RunningRelay;
try {
  relay = await startRelay(result.config, { logger });
} catch (err) {
  logger.fatal({ err, port: result.config.port, host: result.config.host }, 'cannot start the relay');
  process.exit(1);
}

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting without finishing the shutdown');
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal }, 'signal received');
  relay.close().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
