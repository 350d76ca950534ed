import type { SpawnOptions } from 'node:child_process';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { CommandRequest } from '@labmgr/protocol';
import { actionProgram } from './actions.js';

/** What to spawn for one command, fully decided before the process exists. */
export interface LaunchSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly options: Pick<SpawnOptions, 'cwd' | 'env' | 'uid' | 'gid' | 'windowsVerbatimArguments'>;
}

/** A spec, or why the command cannot run here (`refused`: not allowed; `error`: not possible). */
export type Launch =
  | { readonly ok: true; readonly spec: LaunchSpec }
  | { readonly ok: false; readonly status: 'refused' | 'error'; readonly message: string };

/** A local account as `/etc/passwd` describes it. */
export interface PasswdUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

const isWindows = process.platform === 'win32';
const UNIX_DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Windows variables programs need to work at all (UNTESTED). */
const WINDOWS_ENV = [
  'SystemRoot',
  'SystemDrive',
  'windir',
  'ComSpec',
  'PATHEXT',
  'TEMP',
  'TMP',
  'ProgramData',
];

/**
 * Decides program, arguments, account, working directory and environment.
 * The environment is built from scratch, not inherited, so nothing the agent
 * was started with (tokens, proxies, debug switches) leaks into commands.
 */
export async function prepareLaunch(command: CommandRequest, passwdFile = '/etc/passwd'): Promise<Launch> {
  const account = await resolveAccount(command.runAs, passwdFile);
  if (!account.ok) return account;
  const program = programFor(command);
  if (!program.ok) return program;
  const user = account.user;
  const env: NodeJS.ProcessEnv = isWindows ? windowsEnv() : unixEnv(user);
  env.LABMGR_COMMAND_ID = command.id;
  return {
    ok: true,
    spec: {
      file: program.file,
      args: program.args,
      options: {
        cwd: workingDir(user?.home),
        env,
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
        ...(program.verbatim ? { windowsVerbatimArguments: true } : {}),
      },
    },
  };
}

type Program =
  | { ok: true; file: string; args: string[]; verbatim?: boolean }
  | Extract<Launch, { ok: false }>;

function programFor(command: CommandRequest): Program {
  if (command.kind === 'exec') {
    const [file = '', ...args] = command.argv;
    return { ok: true, file, args };
  }
  if (command.kind === 'power' || command.kind === 'message' || command.kind === 'wake') {
    const action = actionProgram(command);
    return { ok: true, file: action.file, args: [...action.args] };
  }
  const { shell, script } = command;
  const powershellArgs = ['-NoProfile', '-NonInteractive', '-Command', script];
  if (isWindows) {
    // UNTESTED on Windows. cmd parses its own command line, so pass it verbatim as Node's shell option does.
    if (shell === 'cmd') {
      return {
        ok: true,
        file: process.env.ComSpec ?? 'cmd.exe',
        args: ['/d', '/s', '/c', `"${script}"`],
        verbatim: true,
      };
    }
    if (shell === 'powershell') return { ok: true, file: 'powershell.exe', args: powershellArgs };
    return { ok: true, file: shell, args: ['-c', script] };
  }
  switch (shell) {
    case 'sh':
      return { ok: true, file: '/bin/sh', args: ['-c', script] };
    case 'bash':
      return { ok: true, file: 'bash', args: ['-c', script] };
    case 'powershell':
      // PowerShell 7 (`pwsh`) where installed; a missing one is reported as a spawn error.
      return { ok: true, file: 'pwsh', args: powershellArgs };
    case 'cmd':
      return {
        ok: false,
        status: 'error',
        message: `shell "cmd" exists only on Windows; this is ${process.platform}`,
      };
  }
}

type Account = { ok: true; user: PasswdUser | null } | Extract<Launch, { ok: false }>;

async function resolveAccount(runAs: string | null, passwdFile: string): Promise<Account> {
  if (runAs === null) return { ok: true, user: null };
  if (isWindows) return { ok: false, status: 'refused', message: 'runAs is not supported on Windows' };
  const self = userInfo();
  // Running as oneself needs no privilege; anyone else needs root to setuid.
  if (runAs === self.username) return { ok: true, user: null };
  if (self.uid !== 0) {
    return {
      ok: false,
      status: 'refused',
      message: `runAs "${runAs}" needs the agent to run as root; it runs as ${self.username} (uid ${self.uid})`,
    };
  }
  let text: string;
  try {
    text = await readFile(passwdFile, 'utf8');
  } catch (err) {
    return { ok: false, status: 'error', message: `cannot read ${passwdFile}: ${String(err)}` };
  }
  const user = findPasswdUser(text, runAs);
  if (!user)
    return { ok: false, status: 'refused', message: `runAs: no local user "${runAs}" in ${passwdFile}` };
  return { ok: true, user };
}

/**
 * Looks a user up in passwd(5) text. Only local accounts: users that exist
 * only in LDAP/NIS are not found. Supplementary groups are not applied (Node
 * drops them when it switches uid), only the primary group.
 */
export function findPasswdUser(text: string, name: string): PasswdUser | null {
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 7 || fields[0] !== name) continue;
    const uid = Number(fields[2]);
    const gid = Number(fields[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid) || fields[2] === '' || fields[3] === '') return null;
    return { name, uid, gid, home: fields[5] ?? '/', shell: fields[6] ?? '/bin/sh' };
  }
  return null;
}

function unixEnv(user: PasswdUser | null): NodeJS.ProcessEnv {
  const self = userInfo();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? UNIX_DEFAULT_PATH,
    LANG: process.env.LANG ?? 'C.UTF-8',
    HOME: user?.home ?? self.homedir,
    USER: user?.name ?? self.username,
    LOGNAME: user?.name ?? self.username,
    SHELL: user?.shell ?? self.shell ?? '/bin/sh',
  };
  for (const name of ['LC_ALL', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

function windowsEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? process.env.Path ?? '' };
  for (const name of WINDOWS_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** The account's home when it exists, else the filesystem root: never the agent's own (state) directory. */
function workingDir(home: string | undefined): string {
  const candidate = home ?? userInfo().homedir;
  try {
    if (statSync(candidate).isDirectory()) return candidate;
  } catch {
    // Missing home (e.g. /nonexistent for nobody).
  }
  return isWindows ? `${process.env.SystemDrive ?? 'C:'}\\` : '/';
}
