import type { MessageCommand, PowerCommand, WakeCommand } from '@labmgr/protocol';

/** A program and its arguments, started without a shell unless the program is one. */
export interface ActionProgram {
  readonly file: string;
  readonly args: readonly string[];
}

/**
 * The operating system's own tool for a power or session action.
 *
 * - Linux: `shutdown -r|-h` with the delay in whole minutes (`now` for 0; the
 *   tool's own granularity) and the message, which `shutdown` broadcasts to
 *   every terminal; `loginctl lock-sessions` / `loginctl terminate-seat seat0`
 *   (the lab PC's local seat) for lock and log off, after `sleep` when delayed
 *   and after `wall` when there is a message.
 * - macOS (UNTESTED here): `shutdown -r|-h`, `pmset displaysleepnow` (locks
 *   when a password is required on wake), log off through System Events.
 * - Windows (UNTESTED here): `shutdown.exe /r|/s|/l`, with `/t` seconds and `/c`
 *   the message; lock with `rundll32 user32.dll,LockWorkStation` (acts on the
 *   interactive session only when the agent runs in it).
 */
export function powerProgram(
  command: PowerCommand,
  platform: NodeJS.Platform = process.platform,
): ActionProgram {
  const { action, delaySec, message } = command;
  if (platform === 'win32') {
    const flag = { reboot: '/r', shutdown: '/s', logoff: '/l' } as const;
    if (action === 'lock') return afterDelayWindows(delaySec, ['rundll32.exe', 'user32.dll,LockWorkStation']);
    if (action === 'logoff') return afterDelayWindows(delaySec, ['shutdown.exe', flag.logoff]);
    return {
      file: 'shutdown.exe',
      args: [flag[action], '/t', String(delaySec), ...(message ? ['/c', message] : [])],
    };
  }
  if (action === 'reboot' || action === 'shutdown') {
    const when = delaySec === 0 ? 'now' : `+${Math.ceil(delaySec / 60)}`;
    return {
      file: 'shutdown',
      args: [action === 'reboot' ? '-r' : '-h', when, ...(message ? [message] : [])],
    };
  }
  const tool =
    platform === 'darwin'
      ? action === 'lock'
        ? 'pmset displaysleepnow'
        : `osascript -e 'tell application "System Events" to log out'`
      : action === 'lock'
        ? 'loginctl lock-sessions'
        : 'loginctl terminate-seat seat0';
  // The script's only data is the message, passed as an argument, never spliced into the text.
  const script = `${message ? 'wall "$1"; ' : ''}${delaySec > 0 ? `sleep ${delaySec}; ` : ''}exec ${tool}`;
  return { file: '/bin/sh', args: ['-c', script, 'labmgr-power', ...(message ? [message] : [])] };
}

/**
 * A notice to the people logged in: `wall` on Linux and macOS (every terminal,
 * and on desktops that relay it, a notification; `notify-send` needs each
 * user's own session bus, which a system service does not have), `msg *` on
 * Windows (UNTESTED here), shown for 5 minutes.
 */
export function messageProgram(
  command: MessageCommand,
  platform: NodeJS.Platform = process.platform,
): ActionProgram {
  const text = `${command.title}\n\n${command.text}`;
  if (platform === 'win32') return { file: 'msg.exe', args: ['*', '/TIME:300', text] };
  return { file: 'wall', args: [text] };
}

/**
 * The magic-packet sender, run as a short Node process of its own (the agent's
 * command machinery — timeout, output, result — applies unchanged): for each
 * MAC, 6 bytes of 0xFF and the MAC 16 times, one UDP datagram to
 * `broadcast`:`port` with broadcasting allowed. Prints one line per packet.
 */
const WAKE_SCRIPT = `
const [broadcast, port, ...macs] = process.argv.slice(1);
const socket = require('node:dgram').createSocket('udp4');
socket.bind(() => {
  socket.setBroadcast(true);
  let left = macs.length;
  for (const mac of macs) {
    const bytes = Buffer.from(mac.replace(/:/g, ''), 'hex');
    const packet = Buffer.concat([Buffer.alloc(6, 0xff), ...Array(16).fill(bytes)]);
    socket.send(packet, Number(port), broadcast, (err) => {
      if (err) { console.error('cannot send to ' + mac + ': ' + err.message); process.exitCode = 1; }
      else console.log('magic packet for ' + mac + ' sent to ' + broadcast + ':' + port);
      if (--left === 0) socket.close();
    });
  }
});
`;

/** Wake-on-LAN: this Node binary running the sender script (no shell; data as arguments). */
export function wakeProgram(command: WakeCommand, node = process.execPath): ActionProgram {
  return { file: node, args: ['-e', WAKE_SCRIPT, command.broadcast, String(command.port), ...command.macs] };
}

/** The program for any of the built-in actions. */
export function actionProgram(command: PowerCommand | MessageCommand | WakeCommand): ActionProgram {
  switch (command.kind) {
    case 'power':
      return powerProgram(command);
    case 'message':
      return messageProgram(command);
    case 'wake':
      return wakeProgram(command);
  }
}

function afterDelayWindows(delaySec: number, argv: [string, ...string[]]): ActionProgram {
  if (delaySec === 0) return { file: argv[0], args: argv.slice(1) };
  return {
    file: 'powershell.exe',
    args: [
      '-NoProfile',
      '-NonInteractive',
      '-Command',
      `Start-Sleep -Seconds ${delaySec}; & ${argv.map((a) => `'${a.replace(/'/g, "''")}'`).join(' ')}`,
    ],
  };
}
