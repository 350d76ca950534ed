import type { ResolvedConfig } from '../config/config.js';
import { AGENT_BIN_PATH } from '../package-root.js';
import type { ServicePlatform } from '../service/service-plan.js';
import type { ServiceCommand } from '../service/systemd.js';
import { UsageError } from './args.js';

/** Flags shared by `install-service` and `uninstall-service`. */
export const serviceOptions = {
  'dry-run': { type: 'boolean' },
  'unit-dir': { type: 'string' },
  platform: { type: 'string' },
} as const;

export { AGENT_BIN_PATH };

/** `--platform` (for `--dry-run` on another OS) or this one; Windows gets a pointer to the README. */
export function servicePlatform(raw: string | undefined): ServicePlatform | { unsupported: string } {
  const platform = raw ?? process.platform;
  if (platform === 'linux' || platform === 'darwin') return platform;
  if (raw !== undefined && platform !== 'win32')
    throw new UsageError(`--platform must be linux or darwin (got "${raw}")`);
  return { unsupported: platform };
}

export function unsupportedMessage(platform: string): string {
  return platform === 'win32'
    ? 'Windows services are not installed automatically: follow the NSSM recipe in the agent README (untested).'
    : `no service definition for platform "${platform}"; run "labmgr-agent run" under its own service manager`;
}

/** ExecStart: absolute node and bin, `run --state-dir <abs>`, plus the config file if one was named. */
export function serviceCommand(resolved: ResolvedConfig): ServiceCommand {
  const args = ['run', '--state-dir', resolved.settings.stateDir];
  if (resolved.configExplicit && resolved.configFile) args.push('--config', resolved.configFile);
  return { nodePath: process.execPath, binPath: AGENT_BIN_PATH, args };
}
