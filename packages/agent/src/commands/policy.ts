import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { CommandRequest } from '@labmgr/protocol';

export type Permission = 'allow' | 'deny';

/**
 * What this computer's administrator lets the server run, whatever the server
 * signs. Loaded once at start-up from a JSON file (see `loadPolicy`).
 */
export interface CommandPolicy {
  /** Shell scripts (`kind: "shell"`). @default 'allow' */
  readonly shell: Permission;
  /**
   * Programs started directly (`kind: "exec"`): all, none, or only those whose
   * `argv[0]` is exactly one of the absolute paths listed. Arguments are not
   * restricted, so list only programs no argument can make harmful.
   * @default 'allow'
   */
  readonly exec: Permission | { readonly allow: readonly string[] };
  /** Running as another local account (`runAs`). @default 'allow' */
  readonly runAs: Permission;
  /** Power and session actions: reboot, shut down, log off, lock. @default 'allow' */
  readonly power: Permission;
  /** Notices shown to the people logged in. @default 'allow' */
  readonly message: Permission;
  /** Sending wake-on-LAN packets for other computers of this network. @default 'allow' */
  readonly wake: Permission;
  /** The file it was read from; null for the built-in default. */
  readonly source: string | null;
}

/** No policy file: everything correctly signed may run. */
export const ALLOW_ALL_POLICY: CommandPolicy = {
  shell: 'allow',
  exec: 'allow',
  runAs: 'allow',
  power: 'allow',
  message: 'allow',
  wake: 'allow',
  source: null,
};

/** Where `loadPolicy(undefined)` looks. Windows path untested. */
export const DEFAULT_POLICY_FILE =
  process.platform === 'win32'
    ? join(process.env.ProgramData ?? 'C:\\ProgramData', 'labmgr', 'policy.json')
    : '/etc/labmgr/policy.json';

/** The policy file exists but cannot be used: a start-up error naming the file and field. */
export class PolicyFileError extends Error {
  override readonly name = 'PolicyFileError';
}

/**
 * Reads the policy. `file` undefined means the default location, where a
 * missing file means "allow everything signed"; an explicitly named file must
 * exist, so a typo in the path cannot silently lift every restriction.
 */
export async function loadPolicy(file: string | undefined): Promise<CommandPolicy> {
  const path = file ?? DEFAULT_POLICY_FILE;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? err.code : undefined;
    if (code === 'ENOENT' && file === undefined) return ALLOW_ALL_POLICY;
    throw new PolicyFileError(`cannot read policy file ${path}: ${err instanceof Error ? err.message : err}`);
  }
  // Anyone who can write the file can lift its restrictions.
  if (process.platform !== 'win32' && ((await stat(path)).mode & 0o002) !== 0) {
    throw new PolicyFileError(`policy file ${path} is writable by every user; chmod o-w it`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PolicyFileError(
      `policy file ${path} is not valid JSON: ${err instanceof Error ? err.message : err}`,
    );
  }
  return parsePolicy(json, path);
}

const KEYS = ['shell', 'exec', 'runAs', 'power', 'message', 'wake'] as const;

/** Checks a parsed policy document field by field; unknown fields are errors (typos must not pass). */
export function parsePolicy(json: unknown, source: string): CommandPolicy {
  const fail = (field: string, why: string): never => {
    throw new PolicyFileError(`policy file ${source}: "${field}" ${why}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new PolicyFileError(`policy file ${source}: must be a JSON object`);
  }
  const doc: Record<string, unknown> = Object.fromEntries(Object.entries(json));
  for (const key of Object.keys(doc)) {
    if (!(KEYS as readonly string[]).includes(key))
      fail(key, `is not a policy field (known: ${KEYS.join(', ')})`);
  }
  const permission = (field: string): Permission => {
    const value = doc[field];
    if (value === undefined) return 'allow';
    if (value === 'allow' || value === 'deny') return value;
    return fail(field, 'must be "allow" or "deny"');
  };
  return {
    shell: permission('shell'),
    exec: parseExec(doc.exec, fail),
    runAs: permission('runAs'),
    power: permission('power'),
    wake: permission('wake'),
    message: permission('message'),
    source,
  };
}

function parseExec(value: unknown, fail: (field: string, why: string) => never): CommandPolicy['exec'] {
  if (value === undefined) return 'allow';
  if (value === 'allow' || value === 'deny') return value;
  const shape = 'must be "allow", "deny" or { "allow": ["/absolute/program", …] }';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('exec', shape);
  const entries = Object.entries(value);
  const extra = entries.find(([key]) => key !== 'allow');
  if (extra) return fail(`exec.${extra[0]}`, 'is not a policy field (known: allow)');
  const list = entries.find(([key]) => key === 'allow')?.[1];
  if (!Array.isArray(list)) return fail('exec.allow', 'must be an array of absolute program paths');
  const allow: string[] = [];
  list.forEach((item: unknown, i) => {
    // Relative names would be looked up in PATH, so an allowed "uptime" could be any program called that.
    if (typeof item !== 'string' || !isAbsolute(item)) fail(`exec.allow[${i}]`, 'must be an absolute path');
    else allow.push(item);
  });
  return { allow };
}

/** Why the policy refuses this command (a sentence for people), or null when it may run. */
export function policyRefusal(policy: CommandPolicy, command: CommandRequest): string | null {
  const prefix = 'refused by local policy';
  if (command.runAs !== null && policy.runAs === 'deny') {
    return `${prefix}: running as another user is denied`;
  }
  switch (command.kind) {
    case 'shell':
      return policy.shell === 'deny' ? `${prefix}: shell commands are denied` : null;
    case 'power':
      return policy.power === 'deny' ? `${prefix}: power actions (${command.action}) are denied` : null;
    case 'message':
      return policy.message === 'deny' ? `${prefix}: messages to users are denied` : null;
    case 'wake':
      return policy.wake === 'deny' ? `${prefix}: sending wake-on-LAN packets is denied` : null;
    case 'exec': {
      if (policy.exec === 'allow') return null;
      if (policy.exec === 'deny') return `${prefix}: exec commands are denied`;
      const program = command.argv[0] ?? '';
      return policy.exec.allow.includes(program)
        ? null
        : `${prefix}: ${program} is not in the exec allow-list`;
    }
  }
}
