import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses the public-contract defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      relayPort: 8081,
      host: '0.0.0.0',
      databaseUrl: undefined,
      offlineAfterSec: 60,
    });
    expect(c.dataDir.endsWith('/data')).toBe(true);
  });

  it('names the setting and the bad value', () => {
    expect(() => loadConfig({ LABMGR_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ LABMGR_PORT: '70000' })).toThrow(
      /LABMGR_PORT must be an integer between 0 and 65535 \(got "70000"\)/,
    );
  });
});
