import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launchdPlist } from './launchd.js';
import { AGENT_NODE_OPTIONS } from './node-options.js';
import { systemdQuote, systemdUnit } from './systemd.js';

const command = {
  nodePath: '/usr/bin/node',
  binPath: '/opt/labmgr/packages/agent/bin/labmgr-agent.js',
  args: ['run', '--state-dir', '/var/lib/labmgr/agent'],
};

/** `Key=value` lines of one section. */
function section(unit: string, name: string): Map<string, string[]> {
  const body = unit.split(`[${name}]\n`)[1]?.split('\n[')[0] ?? '';
  const keys = new Map<string, string[]>();
  for (const line of body.split('\n')) {
    const m = /^(\w+)=(.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) keys.set(m[1], [...(keys.get(m[1]) ?? []), m[2]]);
  }
  return keys;
}

describe('systemdUnit', () => {
  const unit = systemdUnit(command);

  it('starts the agent with absolute paths after the network is online', () => {
    expect(section(unit, 'Unit').get('After')).toEqual(['network-online.target']);
    expect(section(unit, 'Unit').get('Wants')).toEqual(['network-online.target']);
    expect(section(unit, 'Service').get('ExecStart')).toEqual([
      '/usr/bin/node --max-old-space-size=64 --max-semi-space-size=1 /opt/labmgr/packages/agent/bin/labmgr-agent.js run --state-dir /var/lib/labmgr/agent',
    ]);
    expect(section(unit, 'Install').get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('restarts always, 5 s apart, and keeps the sandboxing that spares collection and commands', () => {
    const service = section(unit, 'Service');
    expect(service.get('Restart')).toEqual(['always']);
    expect(service.get('RestartSec')).toEqual(['5']);
    expect(service.get('KillMode')).toEqual(['mixed']);
    expect(service.get('LockPersonality')).toEqual(['yes']);
    for (const breaking of [
      'ProtectSystem',
      'ProtectHome',
      'PrivateTmp',
      'NoNewPrivileges',
      'MemoryDenyWriteExecute',
    ]) {
      expect(service.has(breaking)).toBe(false);
    }
  });

  it('refuses relative paths', () => {
    expect(() => systemdUnit({ ...command, nodePath: 'node' })).toThrow(/absolute/);
  });
});

describe('agent binary', () => {
  it('starts Node with the same options as the service definitions when run as an executable', () => {
    const bin = readFileSync(fileURLToPath(new URL('../../bin/labmgr-agent.js', import.meta.url)), 'utf8');
    expect(bin.split('\n')[0]).toBe(`#!/usr/bin/env -S node ${AGENT_NODE_OPTIONS.join(' ')}`);
  });
});

describe('systemdQuote', () => {
  it.each([
    ['/var/lib/labmgr', '/var/lib/labmgr'],
    ['/srv/lab manager/agent', '"/srv/lab manager/agent"'],
    ['/srv/100%/a', '/srv/100%%/a'],
    ['/srv/$HOME', '/srv/$$HOME'],
    ['/srv/"q"\\b', '"/srv/\\"q\\"\\\\b"'],
  ])('%s -> %s', (word, quoted) => {
    expect(systemdQuote(word)).toBe(quoted);
  });
});

describe('launchdPlist', () => {
  it('runs the same command, kept alive, with XML-escaped arguments', () => {
    const plist = launchdPlist({ ...command, args: ['run', '--state-dir', '/Users/a&b/agent'] });
    expect(plist).toContain('<string>/usr/bin/node</string>');
    expect(plist).toContain('<string>--max-old-space-size=64</string>');
    expect(plist).toContain('<string>/Users/a&amp;b/agent</string>');
    expect(plist).toMatch(/<key>KeepAlive<\/key>\s*<true\/>/);
    expect(plist).toMatch(/<key>ThrottleInterval<\/key>\s*<integer>5<\/integer>/);
  });
});
