import type { MessageCommand, PowerCommand } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { messageProgram, powerProgram, wakeProgram } from './actions.js';

const base = {
  id: '7d1c3c55-6a2d-4c6e-9f51-2f7cbe1f0c11',
  computerId: '0b7c9b7e-4c1f-4f7e-8d0b-3b9a1c2d4e5f',
  timeoutSec: 60,
  runAs: null,
  issuedAt: 1,
  expiresAt: 2,
};
const power = (
  action: PowerCommand['action'],
  delaySec = 0,
  message: string | null = null,
): PowerCommand => ({
  ...base,
  kind: 'power',
  action,
  delaySec,
  message,
});

describe('powerProgram on Linux', () => {
  it('reboots and shuts down with shutdown(8), the delay in whole minutes, the message broadcast by it', () => {
    expect(powerProgram(power('reboot'), 'linux')).toEqual({ file: 'shutdown', args: ['-r', 'now'] });
    expect(powerProgram(power('shutdown', 90, 'The lab closes'), 'linux')).toEqual({
      file: 'shutdown',
      args: ['-h', '+2', 'The lab closes'],
    });
    expect(powerProgram(power('reboot', 60), 'linux').args).toEqual(['-r', '+1']);
  });

  it('locks and logs off through logind, after the delay and the notice', () => {
    expect(powerProgram(power('lock'), 'linux')).toEqual({
      file: '/bin/sh',
      args: ['-c', 'exec loginctl lock-sessions', 'labmgr-power'],
    });
    const logoff = powerProgram(power('logoff', 30, 'Saving is over; "logging" off $(now)'), 'linux');
    expect(logoff.file).toBe('/bin/sh');
    expect(logoff.args[1]).toBe('wall "$1"; sleep 30; exec loginctl terminate-seat seat0');
    // The message is an argument of the script, never part of its text.
    expect(logoff.args.slice(2)).toEqual(['labmgr-power', 'Saving is over; "logging" off $(now)']);
  });
});

describe('powerProgram elsewhere (untested platforms: the arguments only)', () => {
  it('uses shutdown.exe on Windows with seconds and the comment', () => {
    expect(powerProgram(power('reboot', 120, 'Updates'), 'win32')).toEqual({
      file: 'shutdown.exe',
      args: ['/r', '/t', '120', '/c', 'Updates'],
    });
    expect(powerProgram(power('lock'), 'win32')).toEqual({
      file: 'rundll32.exe',
      args: ['user32.dll,LockWorkStation'],
    });
    expect(powerProgram(power('logoff', 5), 'win32').file).toBe('powershell.exe');
  });

  it('uses shutdown and pmset on macOS', () => {
    expect(powerProgram(power('shutdown', 0), 'darwin')).toEqual({ file: 'shutdown', args: ['-h', 'now'] });
    expect(powerProgram(power('lock'), 'darwin').args[1]).toBe('exec pmset displaysleepnow');
  });
});

describe('messageProgram', () => {
  const message: MessageCommand = { ...base, kind: 'message', title: 'Lab closing', text: 'in 10 minutes' };
  it('broadcasts with wall on Unix and msg on Windows', () => {
    expect(messageProgram(message, 'linux')).toEqual({
      file: 'wall',
      args: ['Lab closing\n\nin 10 minutes'],
    });
    expect(messageProgram(message, 'win32')).toEqual({
      file: 'msg.exe',
      args: ['*', '/TIME:300', 'Lab closing\n\nin 10 minutes'],
    });
  });
});

describe('wakeProgram', () => {
  it('sends one magic packet per MAC to the address and port given (a real run on loopback)', async () => {
    const { createSocket } = await import('node:dgram');
    const { execFile } = await import('node:child_process');
    const listener = createSocket('udp4');
    const packets: Buffer[] = [];
    listener.on('message', (msg) => packets.push(msg));
    await new Promise<void>((resolve) => listener.bind(0, '127.0.0.1', resolve));
    const port = listener.address().port;
    const macs = ['AA:bb:cc:00:11:22', '02:fc:00:00:00:01'];
    const program = wakeProgram({ ...base, kind: 'wake', macs, broadcast: '127.0.0.1', port });
    expect(program.file).toBe(process.execPath);
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(program.file, [...program.args], (err, out) => (err ? reject(err) : resolve(out))),
    );
    const deadline = Date.now() + 2000;
    while (packets.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    listener.close();
    expect(stdout).toContain('magic packet for AA:bb:cc:00:11:22 sent to 127.0.0.1');
    const expected = (mac: string) =>
      Buffer.concat([Buffer.alloc(6, 0xff), ...Array(16).fill(Buffer.from(mac.replace(/:/g, ''), 'hex'))]);
    expect(packets.map((p) => p.toString('hex')).sort()).toEqual(
      macs.map((m) => expected(m).toString('hex')).sort(),
    );
    expect(packets[0]).toHaveLength(102);
  });
});
