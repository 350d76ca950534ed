import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isErrnoCode, writeFileAtomic } from '../state/files.js';
import type { ServiceHost } from './service-host.js';
import type { ServicePlan } from './service-plan.js';

export type ApplyResult = { ok: true; message: string } | { ok: false; message: string };

/**
 * Installs per the plan: checks that systemd can take the unit before
 * touching anything, writes the unit (0644, atomically), then reloads and
 * enables it. Linux only; the CLI refuses other platforms before this.
 */
export async function applyInstall(plan: ServicePlan, host: ServiceHost): Promise<ApplyResult> {
  const problem = systemdProblem(host);
  if (problem) return { ok: false, message: problem };
  if (plan.content === null) throw new Error('an install plan has content');
  try {
    await writeFileAtomic(plan.file, plan.content, { mode: 0o644 });
  } catch (err) {
    return { ok: false, message: writeFailure(plan.file, err) };
  }
  const failed = await runAll(plan.commands, host);
  if (failed) return { ok: false, message: `${failed} (the unit was written to ${plan.file})` };
  return { ok: true, message: `installed and started ${plan.file}` };
}

/** Stops, disables and removes the service; a missing unit is not an error. */
export async function applyUninstall(plan: ServicePlan, host: ServiceHost): Promise<ApplyResult> {
  const problem = systemdProblem(host);
  if (problem) return { ok: false, message: problem };
  if (!existsSync(plan.file))
    return { ok: true, message: `not installed: ${plan.file} does not exist; nothing to do` };
  // A unit that never loaded cannot be disabled; removing the file is still right.
  const disableFailure = await runAll(plan.commands, host);
  try {
    await rm(plan.file);
  } catch (err) {
    return { ok: false, message: writeFailure(plan.file, err) };
  }
  const reloadFailure = await runAll(plan.after, host);
  const warnings = [disableFailure, reloadFailure].filter((w) => w !== null);
  return {
    ok: true,
    message: `removed ${plan.file}${warnings.length > 0 ? ` (warning: ${warnings.join('; ')})` : ''}; the state directory was kept`,
  };
}

function systemdProblem(host: ServiceHost): string | null {
  if (host.which('systemctl') === null) {
    return 'systemctl not found on PATH: this machine does not use systemd. Run "labmgr-agent run" under its own service manager (see --dry-run for the unit).';
  }
  if (!host.systemdRunning()) {
    return 'systemd is not running on this machine (no /run/systemd/system), so systemctl cannot enable a service. Nothing was changed.';
  }
  return null;
}

/** Runs the commands in order; the first failure as a sentence, or null. */
async function runAll(commands: ReadonlyArray<readonly string[]>, host: ServiceHost): Promise<string | null> {
  for (const argv of commands) {
    const { code, output } = await host.run(argv);
    if (code !== 0) return `"${argv.join(' ')}" failed with exit code ${code}${output ? `: ${output}` : ''}`;
  }
  return null;
}

function writeFailure(file: string, err: unknown): string {
  if (isErrnoCode(err, 'EACCES') || isErrnoCode(err, 'EPERM')) {
    return `cannot write ${file}: permission denied; run as root (e.g. with sudo)`;
  }
  if (isErrnoCode(err, 'ENOENT')) return `cannot write ${file}: ${dirname(file)} does not exist`;
  return `cannot write ${file}: ${err instanceof Error ? err.message : String(err)}`;
}
