import { parseArgs } from 'node:util';
import { applyInstall } from '../service/apply-plan.js';
import { processServiceHost } from '../service/service-host.js';
import { describePlan, installPlan } from '../service/service-plan.js';
import { loadAgentState } from '../state/agent-state.js';
import { parseOrUsage, pathOptions, resolveFromArgs } from './args.js';
import { type Command, ExitCode } from './io.js';
import { serviceCommand, serviceOptions, servicePlatform, unsupportedMessage } from './service-options.js';
import { INSTALL_SERVICE_USAGE } from './usage.js';

/** `labmgr-agent install-service`: a systemd unit (launchd plist with --dry-run on macOS) that runs `run`. */
export const installServiceCommand: Command = {
  usage: INSTALL_SERVICE_USAGE,
  async run(args, io) {
    const { values } = parseOrUsage(() =>
      parseArgs({ args, options: { ...pathOptions, ...serviceOptions }, strict: true }),
    );
    if (values.help) {
      io.stdout(INSTALL_SERVICE_USAGE);
      return ExitCode.ok;
    }
    const platform = servicePlatform(values.platform);
    if (typeof platform !== 'string') {
      io.stderr(unsupportedMessage(platform.unsupported));
      return ExitCode.failed;
    }
    const resolved = resolveFromArgs(values, io);
    const plan = installPlan(platform, serviceCommand(resolved), values['unit-dir']);
    const enrolled = await loadAgentState(resolved.settings.stateDir).catch(() => null);
    if (!enrolled) {
      io.stderr(
        `warning: not enrolled yet (no agent state in ${resolved.settings.stateDir}); ` +
          'the service will fail and restart until "labmgr-agent enroll" has run',
      );
    }
    if (values['dry-run']) {
      io.stdout(describePlan(plan));
      return ExitCode.ok;
    }
    if (platform === 'darwin') {
      io.stderr(
        'installing on macOS is not automated (untested): run with --dry-run and apply the printed plist and command as root',
      );
      return ExitCode.failed;
    }
    const result = await applyInstall(plan, processServiceHost(io.env));
    if (!result.ok) {
      io.stderr(`install-service failed: ${result.message}`);
      return ExitCode.failed;
    }
    io.stdout(
      `${result.message}\ncheck it with: systemctl status labmgr-agent; labmgr-agent status --state-dir ${resolved.settings.stateDir}`,
    );
    return ExitCode.ok;
  },
};
