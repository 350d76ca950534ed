import { isAbsolute } from 'node:path';
import { AGENT_NODE_OPTIONS } from './node-options.js';

export const SYSTEMD_UNIT_NAME = 'labmgr-agent.service';
/** Where administrators' own units live (not /lib/systemd/system, which belongs to packages). */
export const DEFAULT_SYSTEMD_UNIT_DIR = '/etc/systemd/system';

/** How the service manager starts the agent. Every path absolute: a service has no working directory or PATH to lean on. */
export interface ServiceCommand {
  readonly nodePath: string;
  /** Options for Node itself, before the binary. @default AGENT_NODE_OPTIONS */
  readonly nodeOptions?: readonly string[];
  readonly binPath: string;
  /** e.g. `['run', '--state-dir', '/var/lib/labmgr/agent']` */
  readonly args: readonly string[];
}

/** node, its options, the binary and its arguments: the whole command line. */
export function commandLine(command: ServiceCommand): string[] {
  return [command.nodePath, ...(command.nodeOptions ?? AGENT_NODE_OPTIONS), command.binPath, ...command.args];
}

export function assertAbsolute(command: ServiceCommand): void {
  for (const path of [command.nodePath, command.binPath]) {
    if (!isAbsolute(path)) throw new Error(`service paths must be absolute (got "${path}")`);
  }
}

/**
 * The systemd unit. Restart=always with a 5 s pause brings the agent back
 * after a crash or a kill; network-online.target makes the first connection
 * attempt wait for the network instead of failing into backoff at boot.
 *
 * Hardening is deliberately light: every sandboxing option would also apply
 * to the commands an administrator runs through the agent (package installs,
 * sudo, sysctl, mounting shares…), so ProtectSystem, ProtectHome, PrivateTmp,
 * NoNewPrivileges and the ProtectKernel* family stay off. What is on cannot
 * hurt collection (/proc, /sys, statfs, utmp) nor normal commands.
 * MemoryDenyWriteExecute would break Node's JIT.
 */
export function systemdUnit(command: ServiceCommand): string {
  assertAbsolute(command);
  const execStart = commandLine(command).map(systemdQuote).join(' ');
  return `# Written by "labmgr-agent install-service". Re-run it to change the command line;
# put local changes in an override ("systemctl edit labmgr-agent") so they survive.
[Unit]
Description=Lab Manager agent (labmgr-agent)
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
ExecStart=${execStart}
Restart=always
RestartSec=5
# SIGTERM goes to the agent alone, which ends its running commands and
# reports them; whatever is left of the cgroup is killed after that.
KillMode=mixed
TimeoutStopSec=20
LockPersonality=yes
RestrictRealtime=yes

[Install]
WantedBy=multi-user.target
`;
}

/**
 * One ExecStart word: quoted when it holds spaces or quotes, with `\\` and
 * `"` escaped, and `%` / `$` doubled so systemd does not expand specifiers
 * or variables inside a path.
 */
export function systemdQuote(word: string): string {
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@%$+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
