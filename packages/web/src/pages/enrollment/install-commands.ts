/**
 * Ready-to-paste commands that get the agent onto a computer, enroll it with a
 * token and install the agent as a service, per operating system. The agent is
 * downloaded from this server (`/api/v1/agent-package`): on Linux and macOS its
 * `install.sh` does everything (the Linux path is tested end to end, including
 * the one-liner); on Windows PowerShell downloads the same files and follows
 * the NSSM recipe. macOS and Windows are marked untested.
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

/** Where the Windows recipe puts the agent's files, downloaded from the server. */
const WINDOWS_DIR = 'C:\\labmgr';
const WINDOWS_AGENT = `${WINDOWS_DIR}\\bin\\labmgr-agent.js`;
const WINDOWS_NODE = 'C:\\Program Files\\nodejs\\node.exe';
const WINDOWS_LOG = 'C:\\ProgramData\\labmgr\\agent.log';

/** The server's agent download (manifest, files, Linux/macOS installer): `GET /api/v1/agent-package…`. */
export const AGENT_PACKAGE_PATH = '/api/v1/agent-package';

/** Quotes a POSIX shell word only when it needs it. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A PowerShell string literal: single quotes expand nothing; the typographic ones count too, so each is doubled. */
function psString(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201a\u201b]/g, '$&$&')}'`;
}

/** Quotes a command argument for PowerShell unless it is plain (no `@`, `,`, `$`, quotes, spaces…). */
export function psWord(word: string): string {
  return /^[\w+=:./\\-]+$/.test(word) ? word : psString(word);
}

/** Enroll and service commands for Linux, macOS and Windows, the agent downloaded from `server`. */
export function installRecipes({ server, token, fingerprint }: InstallInput): InstallRecipe[] {
  const base = server.replace(/\/+$/, '');
  const pin = fingerprint?.trim() ?? '';
  const posix = (list: string[]) => list.map(shellWord).join(' ');
  const ps = (list: string[]) => list.map(psWord).join(' ');

  // install.sh picks the state dir per system (/var/lib/labmgr/agent, /var/db/labmgr/agent) and, on macOS,
  // only prints the launchd plan (install-service --dry-run): the agent does not install it there.
  const installer = `curl -fsSL ${shellWord(`${base}${AGENT_PACKAGE_PATH}/install.sh`)} | sudo sh -s -- ${posix(
    ['--token', token, ...(pin ? ['--fingerprint', pin] : [])],
  )}`;

  const dir = STATE_DIRS.windows;
  const windows = [
    "$ErrorActionPreference = 'Stop'",
    ...(base.startsWith('https:')
      ? [
          '[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12',
        ]
      : []),
    `$server = ${psString(base)}`,
    `$agent = Invoke-RestMethod "$server${AGENT_PACKAGE_PATH}"`,
    'foreach ($f in $agent.files) {',
    `  $dest = Join-Path ${WINDOWS_DIR} $f.path`,
    '  New-Item -ItemType Directory -Force -Path (Split-Path $dest) | Out-Null',
    '  Invoke-WebRequest -UseBasicParsing "$server$($f.url)" -OutFile $dest',
    '  if ((Get-FileHash $dest -Algorithm SHA256).Hash -ne $f.sha256) { throw "SHA-256 mismatch: $($f.path)" }',
    '}',
    `node ${ps([WINDOWS_AGENT, 'enroll', '--server', base, '--token', token, ...(pin ? ['--fingerprint', pin] : []), '--state-dir', dir])}`,
    `nssm install labmgr-agent ${ps([WINDOWS_NODE, WINDOWS_AGENT, 'run', '--state-dir', dir])}`,
    'nssm set labmgr-agent AppExit Default Restart',
    'nssm set labmgr-agent AppRestartDelay 5000',
    `nssm set labmgr-agent AppStdout ${ps([WINDOWS_LOG])}`,
    `nssm set labmgr-agent AppStderr ${ps([WINDOWS_LOG])}`,
    'nssm start labmgr-agent',
  ].join('\n');

  const selfSigned = pin
    ? ' With a self-signed certificate curl must trust it too: add the server’s tls/ca.crt to the system’s CA store first (or see the README for --cacert).'
    : '';
  return [
    {
      os: 'linux',
      label: 'Linux',
      script: installer,
      note: `As root, with Node.js 20+ installed. Downloads the agent from this server into /opt/labmgr-agent (checking its SHA-256), enrolls this computer and installs a systemd service that restarts the agent if it stops.${selfSigned}`,
      tested: true,
    },
    {
      os: 'macos',
      label: 'macOS',
      script: installer,
      note: `Untested: with Node.js 20+ installed, downloads and enrolls as on Linux, then prints the launchd plist and launchctl command to apply as root; neither has ever run on a Mac.${selfSigned}`,
      tested: false,
    },
    {
      os: 'windows',
      label: 'Windows',
      script: windows,
      note: `Untested PowerShell, from an elevated prompt with Node.js and NSSM installed: downloads the agent from this server into ${WINDOWS_DIR} (checking its SHA-256), enrolls and installs the NSSM service. Restrict ${dir} to Administrators and SYSTEM.${
        pin
          ? ' With a self-signed certificate, import the server’s tls/ca.crt into Trusted Root Certification Authorities first.'
          : ''
      }`,
      tested: false,
    },
  ];
}
