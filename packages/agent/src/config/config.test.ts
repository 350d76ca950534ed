import { describe, expect, it } from 'vitest';
import { ConfigError, resolveIntervalMs, resolveLogLevel, resolveStateDir } from './config.js';

describe('resolveStateDir', () => {
  it('defaults to ./data/agent under the working directory', () => {
    expect(resolveStateDir({}, {}, '/srv')).toBe('/srv/data/agent');
  });

  it('uses LABMGR_DATA_DIR, then --data-dir, for the data dir', () => {
    expect(resolveStateDir({}, { LABMGR_DATA_DIR: '/var/lib/labmgr' }, '/srv')).toBe('/var/lib/labmgr/agent');
    expect(resolveStateDir({ dataDir: 'd' }, { LABMGR_DATA_DIR: '/var/lib/labmgr' }, '/srv')).toBe(
      '/srv/d/agent',
    );
  });

  it('prefers --state-dir over LABMGR_AGENT_STATE_DIR over the data dir', () => {
    const env = { LABMGR_DATA_DIR: '/data', LABMGR_AGENT_STATE_DIR: '/env-state' };
    expect(resolveStateDir({}, env, '/srv')).toBe('/env-state');
    expect(resolveStateDir({ stateDir: 'flag-state' }, env, '/srv')).toBe('/srv/flag-state');
  });

  it('treats empty values as unset', () => {
    expect(resolveStateDir({ stateDir: '' }, { LABMGR_AGENT_STATE_DIR: ' ' }, '/srv')).toBe(
      '/srv/data/agent',
    );
  });
});

describe('resolveIntervalMs', () => {
  it('defaults to 5000 and lets the flag beat the environment', () => {
    expect(resolveIntervalMs(undefined, {})).toBe(5000);
    expect(resolveIntervalMs(undefined, { LABMGR_AGENT_INTERVAL_MS: '1000' })).toBe(1000);
    expect(resolveIntervalMs('250', { LABMGR_AGENT_INTERVAL_MS: '1000' })).toBe(250);
  });

  it.each(['249', '-5', '1.5', 'abc', '99999999999'])('rejects %s', (raw) => {
    expect(() => resolveIntervalMs(raw, {})).toThrow(ConfigError);
    expect(() => resolveIntervalMs(undefined, { LABMGR_AGENT_INTERVAL_MS: raw })).toThrow(
      /LABMGR_AGENT_INTERVAL_MS/,
    );
  });
});

describe('resolveLogLevel', () => {
  it('defaults to info and rejects unknown levels', () => {
    expect(resolveLogLevel({})).toBe('info');
    expect(resolveLogLevel({ LABMGR_LOG_LEVEL: 'DEBUG' })).toBe('debug');
    expect(() => resolveLogLevel({ LABMGR_LOG_LEVEL: 'loud' })).toThrow(ConfigError);
  });
});
