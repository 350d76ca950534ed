import { parseArgs } from 'node:util';
import { applyUninstall } from '../service/apply-plan.js';
import { processServiceHost } from '../service/service-host.js';
import { describePlan, uninstallPlan } from '../service/service-plan.js';
import { parseOrUsage } from './args.js';
import { type Command, ExitCode } from './io.js';
import { serviceOptions, servicePlatform, unsupportedMessage } from './service-options.js';
import { UNINSTALL_SERVICE_USAGE } from './usage.js';

/** `labmgr-agent uninstall-service`: stop, disable and remove the service; the state directory stays. */
export const uninstallServiceCommand: Command = {
  usage: UNINSTALL_SERVICE_USAGE,
  async run(args, io) {
    const { values } = parseOrUsage(() =>
      parseArgs({
        args,
        options: { ...serviceOptions, help: { type: 'boolean', short: 'h' } },
        strict: true,
      }),
    );
    if (values.help) {
      io.stdout(UNINSTALL_SERVICE_USAGE);
      return ExitCode.ok;
    }
    const platform = servicePlatform(values.platform);
    if (typeof platform !== 'string') {
      io.stderr(unsupportedMessage(platform.unsupported));
      return ExitCode.failed;
    }
    const plan = uninstallPlan(platform, values['unit-dir']);
    if (values['dry-run']) {
      io.stdout(describePlan(plan));
      return ExitCode.ok;
    }
    if (platform === 'darwin') {
      io.stderr(
        'removing the service on macOS is not automated (untested): run with --dry-run and apply the printed commands as root',
      );
      return ExitCode.failed;
    }
    const result = await applyUninstall(plan, processServiceHost(io.env));
    if (!result.ok) {
      io.stderr(`uninstall-service failed: ${result.message}`);
      return ExitCode.failed;
    }
    io.stdout(result.message);
    return ExitCode.ok;
  },
};
