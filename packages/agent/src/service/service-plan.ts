import { join } from 'node:path';
import { DEFAULT_LAUNCHD_DIR, LAUNCHD_LABEL, launchdPlist } from './launchd.js';
import { DEFAULT_SYSTEMD_UNIT_DIR, type ServiceCommand, SYSTEMD_UNIT_NAME, systemdUnit } from './systemd.js';

/** Platforms with a generated service definition. */
export type ServicePlatform = 'linux' | 'darwin';

/** What installing or removing the service means on a platform: one file and a few commands. */
export interface ServicePlan {
  readonly platform: ServicePlatform;
  /** The unit or plist file. */
  readonly file: string;
  /** Its content; `null` when the plan removes it. */
  readonly content: string | null;
  /** Run in order after writing (install) or before removing (uninstall) the file. */
  readonly commands: ReadonlyArray<readonly string[]>;
  /** The last command after removing the file (uninstall on systemd: forget the unit). */
  readonly after: ReadonlyArray<readonly string[]>;
}

export function installPlan(platform: ServicePlatform, command: ServiceCommand, dir?: string): ServicePlan {
  if (platform === 'linux') {
    return {
      platform,
      file: join(dir ?? DEFAULT_SYSTEMD_UNIT_DIR, SYSTEMD_UNIT_NAME),
      content: systemdUnit(command),
      commands: [
        ['systemctl', 'daemon-reload'],
        ['systemctl', 'enable', '--now', SYSTEMD_UNIT_NAME],
      ],
      after: [],
    };
  }
  const file = join(dir ?? DEFAULT_LAUNCHD_DIR, `${LAUNCHD_LABEL}.plist`);
  return {
    platform,
    file,
    content: launchdPlist(command),
    commands: [['launchctl', 'bootstrap', 'system', file]],
    after: [],
  };
}

export function uninstallPlan(platform: ServicePlatform, dir?: string): ServicePlan {
  if (platform === 'linux') {
    return {
      platform,
      file: join(dir ?? DEFAULT_SYSTEMD_UNIT_DIR, SYSTEMD_UNIT_NAME),
      content: null,
      commands: [['systemctl', 'disable', '--now', SYSTEMD_UNIT_NAME]],
      after: [['systemctl', 'daemon-reload']],
    };
  }
  const file = join(dir ?? DEFAULT_LAUNCHD_DIR, `${LAUNCHD_LABEL}.plist`);
  return {
    platform,
    file,
    content: null,
    commands: [['launchctl', 'bootout', `system/${LAUNCHD_LABEL}`]],
    after: [],
  };
}

/** The plan as `--dry-run` prints it: the file, then the commands as a shell would take them. */
export function describePlan(plan: ServicePlan): string {
  const lines: string[] = [];
  const shell = (argv: readonly string[]) =>
    argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  if (plan.content !== null) {
    lines.push(`# would write ${plan.file}:`, plan.content.trimEnd(), '', '# then run:');
    lines.push(...plan.commands.map(shell));
  } else {
    lines.push(
      '# would run:',
      ...plan.commands.map(shell),
      `rm ${shell([plan.file])}`,
      ...plan.after.map(shell),
    );
  }
  if (plan.platform === 'darwin') lines.push('', '# macOS support is UNTESTED.');
  return lines.join('\n');
}
