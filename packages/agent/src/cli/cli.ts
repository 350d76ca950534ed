import { ConfigError } from '../config/config.js';
import { AGENT_VERSION } from '../version.js';
import { UsageError } from './args.js';
import { enrollCommand } from './enroll.command.js';
import { installServiceCommand } from './install-service.command.js';
import { type CliIo, type Command, ExitCode } from './io.js';
import { runCommand } from './run.command.js';
import { statusCommand } from './status.command.js';
import { uninstallServiceCommand } from './uninstall-service.command.js';
import { MAIN_USAGE } from './usage.js';

const commands: Readonly<Record<string, Command>> = {
  enroll: enrollCommand,
  run: runCommand,
  status: statusCommand,
  'install-service': installServiceCommand,
  'uninstall-service': uninstallServiceCommand,
};

/** Runs one `labmgr-agent` invocation and returns its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(MAIN_USAGE);
    return ExitCode.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(AGENT_VERSION);
    return ExitCode.ok;
  }
  if (name === undefined) {
    io.stderr(`missing command\n\n${MAIN_USAGE}`);
    return ExitCode.usage;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    io.stderr(`unknown command "${name}"\n\n${MAIN_USAGE}`);
    return ExitCode.usage;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    // A bad setting, from a flag or the environment, is a usage problem too.
    if (err instanceof UsageError || err instanceof ConfigError) {
      io.stderr(`${err.message}\n\n${command.usage}`);
      return ExitCode.usage;
    }
    // Anything else (a state dir that is not writable, …): one clear line, not a stack trace.
    io.stderr(`labmgr-agent ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return ExitCode.failed;
  }
}
