import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('connection settings', () => {
  it('defaults to a 10 s headers timeout and 1,000 pending connections', () => {
    expect(loadConfig({})).toMatchObject({ headersTimeoutSec: 10, maxPendingConnections: 1000 });
  });

  it('reads LABMGR_HEADERS_TIMEOUT_SEC and LABMGR_MAX_PENDING_CONNECTIONS (0: no cap)', () => {
    expect(
      loadConfig({ LABMGR_HEADERS_TIMEOUT_SEC: '3', LABMGR_MAX_PENDING_CONNECTIONS: '0' }),
    ).toMatchObject({ headersTimeoutSec: 3, maxPendingConnections: 0 });
  });

  it.each([
    ['LABMGR_HEADERS_TIMEOUT_SEC', '0'],
    ['LABMGR_HEADERS_TIMEOUT_SEC', '301'],
    ['LABMGR_MAX_PENDING_CONNECTIONS', '-1'],
    ['LABMGR_MAX_PENDING_CONNECTIONS', 'many'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
