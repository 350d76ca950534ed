import { describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from './logger.js';

function capture(level: Parameters<typeof createLogger>[0] = 'info') {
  const lines: string[] = [];
  const log = createLogger(level, { write: (line: string) => lines.push(line) });
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, records };
}

describe('createLogger', () => {
  it('writes one JSON line per entry in pino’s format', () => {
    const { log, lines, records } = capture();
    log.info({ relayId: 'r1', unacked: 3 }, 'connected to relay');
    log.warn('plain message');
    expect(lines.every((l) => l.endsWith('}\n'))).toBe(true);
    const [first, second] = records();
    expect(first).toMatchObject({
      level: 30,
      name: 'labmgr-agent',
      pid: process.pid,
      relayId: 'r1',
      unacked: 3,
      msg: 'connected to relay',
    });
    expect(typeof first?.time).toBe('number');
    expect(second).toMatchObject({ level: 40, msg: 'plain message' });
  });

  it('drops entries below its level and everything when silent', () => {
    const { log, lines } = capture('warn');
    log.info('hidden');
    log.debug({ a: 1 }, 'hidden');
    log.error('shown');
    expect(lines).toHaveLength(1);
    expect(() => silentLogger().error({ a: 1 }, 'nothing')).not.toThrow();
  });

  it('carries a child’s bindings on every line', () => {
    const { log, records } = capture();
    log.child({ component: 'buffer' }).child({ disk: 'sda' }).info({ n: 1 }, 'x');
    expect(records()[0]).toMatchObject({ component: 'buffer', disk: 'sda', n: 1, msg: 'x' });
  });

  it('serializes errors with type, message, code and stack', () => {
    const { log, records } = capture();
    const err = Object.assign(new Error('no such file', { cause: new TypeError('inner') }), {
      code: 'ENOENT',
    });
    log.error({ err }, 'cannot read');
    const logged = records()[0]?.err as Record<string, unknown>;
    expect(logged).toMatchObject({
      type: 'Error',
      message: 'no such file',
      code: 'ENOENT',
      cause: { type: 'TypeError' },
    });
    expect(String(logged.stack)).toContain('no such file');
  });

  it('survives fields JSON cannot encode', () => {
    const { log, records } = capture();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    log.info({ cyclic, big: 10n }, 'odd fields');
    expect(records()[0]).toMatchObject({ msg: 'odd fields', big: '10' });
  });
});
