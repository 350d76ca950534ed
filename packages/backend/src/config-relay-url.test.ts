import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

/** Security issue 12: a server that speaks TLS must not hand agents a plain ws:// relay URL. */
describe('loadConfig: LABMGR_RELAY_URL', () => {
  it('refuses ws:// when TLS is on, saying to use wss://', () => {
    for (const tls of [{ LABMGR_TLS: 'auto' }, { LABMGR_TLS_CERT: 'c.pem', LABMGR_TLS_KEY: 'k.pem' }]) {
      const load = () => loadConfig({ ...tls, LABMGR_RELAY_URL: 'ws://relay.lab:8081/agent' });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/LABMGR_RELAY_URL.*ws:\/\/relay\.lab:8081\/agent.*wss:\/\//);
    }
    expect(() => loadConfig({ LABMGR_TLS: 'auto', LABMGR_RELAY_URL: 'WS://relay.lab/agent' })).toThrow(
      ConfigError,
    );
  });

  it('accepts wss:// with TLS, and ws:// or wss:// without it', () => {
    expect(loadConfig({ LABMGR_TLS: 'auto', LABMGR_RELAY_URL: 'wss://relay.lab:8081/agent' }).relayUrl).toBe(
      'wss://relay.lab:8081/agent',
    );
    expect(loadConfig({ LABMGR_RELAY_URL: 'ws://127.0.0.1:8081/agent' }).relayUrl).toBe(
      'ws://127.0.0.1:8081/agent',
    );
    expect(loadConfig({ LABMGR_RELAY_URL: 'wss://relay.lab/agent' }).relayUrl).toBe('wss://relay.lab/agent');
    expect(loadConfig({ LABMGR_TLS: 'auto' }).relayUrl).toBeUndefined();
  });

  it('refuses a value that is not a ws:// or wss:// URL', () => {
    for (const bad of [
      'relay.lab:8081',
      'http://relay.lab:8081/agent',
      'https://relay.lab/agent',
      'wss://',
    ]) {
      expect(() => loadConfig({ LABMGR_RELAY_URL: bad }), bad).toThrow(
        /LABMGR_RELAY_URL must be a ws:\/\/ or wss:\/\/ URL/,
      );
    }
  });
});
