/**
 * Ready-to-paste commands that enroll a computer with a token and install the
 * agent as a service, per operating system. They follow the agent's own CLI
 * (`labmgr-agent enroll`, `install-service`) and the agent README's recipes;
 * only Linux is tested end to end (macOS and Windows are marked untested there).
 */

export type InstallOs = 'linux' | 'macos' | 'windows';

export interface InstallRecipe {
  os: InstallOs;
  label: string;
  /** The whole script, one command a line. */
  script: string;
  /** What to know before running it. */
  note: string;
  tested: boolean;
}

export interface InstallInput {
  /** This server, as the browser reaches it (`window.location.origin`). */
  server: string;
  token: string;
  /** SHA-256 of a self-signed https server's certificate, pinned at enrollment. */
  fingerprint?: string;
}

/** Where the agent keeps its credential and journal on each system. */
export const STATE_DIRS: Record<InstallOs, string> = {
  linux: '/var/lib/labmgr/agent',
  macos: '/var/db/labmgr/agent',
  windows: 'C:\\ProgramData\\labmgr\\agent',
};

/** The agent as the Windows recipe installs it (a checkout or copy of the agent package). */
const WINDOWS_AGENT = 'C:\\labmgr\\packages\\agent\\bin\\labmgr-agent.js';
const WINDOWS_NODE = 'C:\\Program Files\\nodejs\\node.exe';
const WINDOWS_LOG = 'C:\\ProgramData\\labmgr\\agent.log';

/** Quotes a POSIX shell word only when it needs it. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quotes a word for cmd.exe when it holds spaces or special characters. */
function cmdWord(word: string): string {
  return /^[\w@%+=:,./\\-]+$/.test(word) ? word : `"${word.replace(/"/g, '""')}"`;
}

/** The `enroll` flags every system shares. */
function enrollArgs({ server, token, fingerprint }: InstallInput): string[] {
  const args = ['--server', server, '--token', token];
  const pin = fingerprint?.trim();
  if (pin) args.push('--fingerprint', pin);
  return args;
}

/** Enroll and install-service commands for Linux, macOS and Windows. */
export function installRecipes(input: InstallInput): InstallRecipe[] {
  const args = enrollArgs(input);
  const posix = (list: string[]) => list.map(shellWord).join(' ');
  const win = (list: string[]) => list.map(cmdWord).join(' ');

  const linux = [
    `sudo labmgr-agent enroll ${posix([...args, '--state-dir', STATE_DIRS.linux])}`,
    `sudo labmgr-agent install-service ${posix(['--state-dir', STATE_DIRS.linux])}`,
  ].join('\n');

  const macos = [
    `sudo labmgr-agent enroll ${posix([...args, '--state-dir', STATE_DIRS.macos])}`,
    '# prints the launchd plist and the launchctl command: apply them as root',
    `sudo labmgr-agent install-service ${posix(['--state-dir', STATE_DIRS.macos, '--dry-run'])}`,
  ].join('\n');

  const dir = STATE_DIRS.windows;
  const windows = [
    `node ${win([WINDOWS_AGENT, 'enroll', ...args, '--state-dir', dir])}`,
    `nssm install labmgr-agent ${win([WINDOWS_NODE, WINDOWS_AGENT, 'run', '--state-dir', dir])}`,
    'nssm set labmgr-agent AppExit Default Restart',
    'nssm set labmgr-agent AppRestartDelay 5000',
    `nssm set labmgr-agent AppStdout ${win([WINDOWS_LOG])}`,
    `nssm set labmgr-agent AppStderr ${win([WINDOWS_LOG])}`,
    'nssm start labmgr-agent',
  ].join('\n');

  return [
    {
      os: 'linux',
      label: 'Linux',
      script: linux,
      note: 'As root, with Node.js 20+ and the labmgr-agent command installed. Installs a systemd service that restarts the agent if it stops.',
      tested: true,
    },
    {
      os: 'macos',
      label: 'macOS',
      script: macos,
      note: 'Untested: the launchd service is written from Apple’s documentation and has never run on a Mac.',
      tested: false,
    },
    {
      os: 'windows',
      label: 'Windows',
      script: windows,
      note: `Untested recipe, from an elevated prompt with Node.js and NSSM installed and the agent in C:\\labmgr. Restrict ${dir} to Administrators and SYSTEM.`,
      tested: false,
    },
  ];
}
