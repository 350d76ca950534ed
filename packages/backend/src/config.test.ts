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

  it('serves plain HTTP unless TLS is asked for', () => {
    expect(loadConfig({}).tls).toEqual({ mode: 'off' });
    expect(loadConfig({ LABMGR_TLS: 'off' }).tls).toEqual({ mode: 'off' });
  });

  it('takes LABMGR_TLS=auto with extra host names', () => {
    expect(loadConfig({ LABMGR_TLS: 'auto', LABMGR_TLS_HOSTS: 'labs.example.edu, 10.0.0.5,' }).tls).toEqual({
      mode: 'auto',
      hosts: ['labs.example.edu', '10.0.0.5'],
    });
  });

  it('takes a certificate and key as a pair, resolved to absolute paths', () => {
    const tls = loadConfig({ LABMGR_TLS_CERT: 'c.pem', LABMGR_TLS_KEY: 'k.pem' }).tls;
    expect(tls.mode).toBe('files');
    if (tls.mode === 'files')
      expect(tls.certFile.startsWith('/') && tls.certFile.endsWith('/c.pem')).toBe(true);
    expect(() => loadConfig({ LABMGR_TLS_CERT: 'c.pem' })).toThrow(
      /LABMGR_TLS_CERT and LABMGR_TLS_KEY go together/,
    );
  });

  it('refuses contradictory or malformed TLS settings, naming them', () => {
    expect(() => loadConfig({ LABMGR_TLS: 'yes' })).toThrow(
      /LABMGR_TLS must be "auto" or "off" \(got "yes"\)/,
    );
    expect(() => loadConfig({ LABMGR_TLS: 'auto', LABMGR_TLS_CERT: 'c', LABMGR_TLS_KEY: 'k' })).toThrow(
      /LABMGR_TLS=auto makes its own certificate/,
    );
    expect(() => loadConfig({ LABMGR_TLS: 'auto', LABMGR_TLS_HOSTS: 'bad host/x' })).toThrow(
      /LABMGR_TLS_HOSTS: "bad host\/x" is not a host name or IP address/,
    );
  });

  it('syncs SQLite fully unless told otherwise, and names a bad value', () => {
    expect(loadConfig({}).sqliteSynchronous).toBe('full');
    expect(loadConfig({ LABMGR_SQLITE_SYNCHRONOUS: 'NORMAL' }).sqliteSynchronous).toBe('normal');
    expect(() => loadConfig({ LABMGR_SQLITE_SYNCHRONOUS: 'off' })).toThrow(
      /LABMGR_SQLITE_SYNCHRONOUS must be "full" or "normal" \(got "off"\)/,
    );
  });

  it('trusts proxies by hop count or address, never blindly', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ LABMGR_TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ LABMGR_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ LABMGR_TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,loopback,::1' }).trustProxy).toEqual([
      '10.0.0.5',
      '10.1.0.0/16',
      'loopback',
      '::1',
    ]);
    expect(() => loadConfig({ LABMGR_TRUST_PROXY: 'true' })).toThrow(/number of proxies/);
    expect(() => loadConfig({ LABMGR_TRUST_PROXY: '10.0.0.0/33' })).toThrow(
      /LABMGR_TRUST_PROXY: "10.0.0.0\/33" is not an IP address/,
    );
    expect(() => loadConfig({ LABMGR_TRUST_PROXY: 'proxy.example.edu' })).toThrow(/not an IP address/);
    expect(() => loadConfig({ LABMGR_TRUST_PROXY: '99' })).toThrow(/between 0 and 20/);
  });
});
