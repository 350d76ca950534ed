import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helpText, loadConfig } from './config.js';

const token = { LABMGR_RELAY_TOKEN: 'secret' };

function config(argv: string[], env: NodeJS.ProcessEnv = token) {
  const result = loadConfig(argv, env);
  if (result.kind !== 'config') throw new Error(`expected a config, got ${JSON.stringify(result)}`);
  return result.config;
}

function error(argv: string[], env: NodeJS.ProcessEnv = token): string {
  const result = loadConfig(argv, env);
  if (result.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return result.message;
}

describe('loadConfig', () => {
  it('uses the defaults when only the token is given', () => {
    expect(config([])).toEqual({
      port: 8081,
      host: '0.0.0.0',
      backendUrl: 'http://127.0.0.1:8080',
      token: 'secret',
      relayId: `relay-${hostname()}`.slice(0, 128),
      spoolDir: resolve(
        'data/relay-spool',
        `relay-${hostname()}`.slice(0, 128).replace(/[^A-Za-z0-9._-]/g, '_'),
      ),
      authStoreFile: resolve(
        'data/relay-auth',
        `${`relay-${hostname()}`.slice(0, 128).replace(/[^A-Za-z0-9._-]/g, '_')}.json`,
      ),
      deadLetterFile: resolve(
        'data/relay-dead-letter',
        `${`relay-${hostname()}`.slice(0, 128).replace(/[^A-Za-z0-9._-]/g, '_')}.jsonl`,
      ),
      sideFileMaxBytes: 64 * 1024 ** 2,
      spoolMaxBytes: 1024 ** 3,
      memoryQueueItems: 10_000,
      maxFrameBytes: 1024 * 1024,
      rateLimit: 50,
      rateBurst: 500,
      maxSendBufferBytes: 4 * 1024 * 1024,
      maxUnauthenticated: 1000,
      ipConnectLimit: 600,
      ipConnectWindowSec: 60,
      authCacheSec: 30,
      authFallbackSec: 7 * 24 * 3600,
      headersTimeoutSec: 10,
      maxPendingConnections: 2000,
      maxPendingPerAddress: 250,
      ackIntervalMs: 5000,
      logLevel: 'info',
    });
  });

  it('reads every setting from the environment', () => {
    const env = {
      LABMGR_RELAY_PORT: '9000',
      LABMGR_RELAY_HOST: '127.0.0.1',
      LABMGR_BACKEND_URL: 'https://backend.example.edu/labmgr',
      LABMGR_RELAY_TOKEN: 'from-env',
      LABMGR_RELAY_ID: 'building-a',
      LABMGR_RELAY_SPOOL_DIR: '/var/spool/labmgr',
      LABMGR_RELAY_DEAD_LETTER_FILE: '/var/lib/labmgr/refused.jsonl',
      LABMGR_RELAY_SIDE_FILE_MAX_BYTES: '8MiB',
      LABMGR_RELAY_SPOOL_MAX_BYTES: '512MiB',
      LABMGR_RELAY_MEMORY_QUEUE_ITEMS: '2000',
      LABMGR_RELAY_MAX_FRAME_BYTES: '256KiB',
      LABMGR_RELAY_RATE_LIMIT: '20',
      LABMGR_RELAY_RATE_BURST: '100',
      LABMGR_RELAY_MAX_SEND_BUFFER: '0',
      LABMGR_RELAY_MAX_UNAUTHENTICATED: '50',
      LABMGR_RELAY_IP_CONNECT_LIMIT: '0',
      LABMGR_RELAY_IP_CONNECT_WINDOW: '10',
      LABMGR_RELAY_AUTH_CACHE_SEC: '5',
      LABMGR_RELAY_AUTH_STORE_FILE: '/var/lib/labmgr/relay-auth.json',
      LABMGR_RELAY_AUTH_FALLBACK_SEC: '3600',
      LABMGR_RELAY_HEADERS_TIMEOUT: '3',
      LABMGR_RELAY_MAX_PENDING_CONNECTIONS: '0',
      LABMGR_RELAY_MAX_PENDING_PER_ADDRESS: '40',
      LABMGR_RELAY_ACK_INTERVAL_MS: '250',
      LABMGR_RELAY_METRICS_TOKEN: 'scrape-me',
      LABMGR_LOG_LEVEL: 'debug',
    };
    expect(config([], env)).toEqual({
      port: 9000,
      host: '127.0.0.1',
      backendUrl: 'https://backend.example.edu/labmgr',
      token: 'from-env',
      relayId: 'building-a',
      spoolDir: '/var/spool/labmgr',
      authStoreFile: '/var/lib/labmgr/relay-auth.json',
      deadLetterFile: '/var/lib/labmgr/refused.jsonl',
      sideFileMaxBytes: 8 * 1024 ** 2,
      spoolMaxBytes: 512 * 1024 ** 2,
      memoryQueueItems: 2000,
      maxFrameBytes: 256 * 1024,
      rateLimit: 20,
      rateBurst: 100,
      maxSendBufferBytes: 0,
      maxUnauthenticated: 50,
      ipConnectLimit: 0,
      ipConnectWindowSec: 10,
      authCacheSec: 5,
      authFallbackSec: 3600,
      headersTimeoutSec: 3,
      maxPendingConnections: 0,
      maxPendingPerAddress: 40,
      ackIntervalMs: 250,
      metricsToken: 'scrape-me',
      logLevel: 'debug',
    });
  });

  it('lets flags win over the environment', () => {
    const env = { ...token, LABMGR_RELAY_PORT: '9000', LABMGR_RELAY_ID: 'env-id' };
    const c = config(['--port', '9100', '--relay-id=flag-id', '--token', 'flag-token', '--host', '::1'], env);
    expect(c).toMatchObject({ port: 9100, relayId: 'flag-id', token: 'flag-token', host: '::1' });
  });

  it('takes the control URL from the flag or LABMGR_RELAY_CONTROL_URL and checks it', () => {
    expect(config([]).controlUrl).toBeUndefined();
    expect(
      config([], { ...token, LABMGR_RELAY_CONTROL_URL: 'https://relay-a.example.edu:8081' }).controlUrl,
    ).toBe('https://relay-a.example.edu:8081');
    expect(config(['--control-url', 'http://10.0.0.5:8081']).controlUrl).toBe('http://10.0.0.5:8081');
    expect(error(['--control-url', 'ws://x'])).toMatch(/--control-url.*http/);
  });

  it('puts the spool under LABMGR_DATA_DIR by relay id, and checks the spool settings', () => {
    const env = { ...token, LABMGR_DATA_DIR: '/srv/labmgr', LABMGR_RELAY_ID: 'b/../x' };
    expect(config([], env).spoolDir).toBe('/srv/labmgr/relay-spool/b_.._x');
    expect(config(['--relay-id', '..'], { ...env, LABMGR_RELAY_ID: '' }).spoolDir).toBe(
      '/srv/labmgr/relay-spool/_',
    );
    expect(config(['--spool-max-bytes', '0']).spoolMaxBytes).toBe(0);
    expect(config(['--spool-max-bytes', '2 GiB']).spoolMaxBytes).toBe(2 * 1024 ** 3);
    expect(config(['--spool-max-bytes', '1048576']).spoolMaxBytes).toBe(1024 ** 2);
    for (const bad of ['-1', '1.5GiB', 'lots', '5PB', '99999999999TiB']) {
      expect(error([`--spool-max-bytes=${bad}`])).toMatch(/--spool-max-bytes.*size in bytes/);
    }
    for (const bad of ['0', '-3', 'x', '1e3', '10000001']) {
      expect(error([], { ...token, LABMGR_RELAY_MEMORY_QUEUE_ITEMS: bad })).toMatch(
        /LABMGR_RELAY_MEMORY_QUEUE_ITEMS.*whole number/,
      );
    }
    expect(error(['--spool-dir', ' '])).toMatch(/--spool-dir.*folder/);
  });

  it('keeps refused frames in a dead-letter file under LABMGR_DATA_DIR by relay id, even without a spool', () => {
    const env = { ...token, LABMGR_DATA_DIR: '/srv/labmgr', LABMGR_RELAY_ID: 'b/../x' };
    expect(config([], env).deadLetterFile).toBe('/srv/labmgr/relay-dead-letter/b_.._x.jsonl');
    expect(config(['--spool-max-bytes', '0'], env).deadLetterFile).toBe(
      '/srv/labmgr/relay-dead-letter/b_.._x.jsonl',
    );
    expect(config(['--dead-letter-file', 'x/refused.jsonl'], env).deadLetterFile).toBe(
      resolve('x/refused.jsonl'),
    );
    expect(error(['--dead-letter-file', ' '])).toMatch(/--dead-letter-file.*a file/);
  });

  it('takes the size limit of the dead-letter and quarantine files, at least 1 MiB', () => {
    expect(config(['--side-file-max-bytes', '1MiB']).sideFileMaxBytes).toBe(1024 ** 2);
    expect(config(['--side-file-max-bytes', '134217728']).sideFileMaxBytes).toBe(128 * 1024 ** 2);
    expect(config([], { ...token, LABMGR_RELAY_SIDE_FILE_MAX_BYTES: '2 GiB' }).sideFileMaxBytes).toBe(
      2 * 1024 ** 3,
    );
    for (const bad of ['0', '1048575', '512KiB', '-1', 'big', '1.5MiB', '2TiB']) {
      expect(error([`--side-file-max-bytes=${bad}`])).toMatch(
        /^Invalid --side-file-max-bytes ".*": expected a size from 1MiB to 1TiB/,
      );
    }
    expect(error([], { ...token, LABMGR_RELAY_SIDE_FILE_MAX_BYTES: '10' })).toMatch(
      /LABMGR_RELAY_SIDE_FILE_MAX_BYTES "10".*from 1MiB/,
    );
    expect(helpText()).toMatch(/--side-file-max-bytes <bytes> env LABMGR_RELAY_SIDE_FILE_MAX_BYTES/);
    expect(helpText()).toMatch(/default: 64MiB/);
  });

  it('treats an empty environment variable as unset', () => {
    expect(config([], { ...token, LABMGR_RELAY_PORT: '' }).port).toBe(8081);
  });

  it('refuses to start without a token and says how to provide one', () => {
    expect(error([], {})).toMatch(/LABMGR_RELAY_TOKEN.*--token/);
    expect(error([], { LABMGR_RELAY_TOKEN: '' })).toMatch(/No relay token/);
  });

  it.each([
    [['--port', 'abc'], /--port "abc".*port number/],
    [['--port', '65536'], /--port/],
    [['--port', '-1'], /--port/],
    [['--port', '80.5'], /--port/],
    [['--backend-url', 'ftp://x'], /--backend-url.*http/],
    [['--backend-url', 'not a url'], /--backend-url/],
    [['--relay-id', 'x'.repeat(129)], /--relay-id.*128/],
    [['--relay-id', 'has space'], /--relay-id/],
    [['--log-level', 'loud'], /--log-level.*info/],
    [['--host', ''], /--host/],
  ])('rejects %j with a message', (argv, message) => {
    expect(error(argv)).toMatch(message);
  });

  it('names the environment variable when the bad value came from there', () => {
    expect(error([], { ...token, LABMGR_RELAY_PORT: 'eighty' })).toMatch(/LABMGR_RELAY_PORT "eighty"/);
  });

  it('rejects unknown flags, positionals and flags without a value', () => {
    expect(error(['--bogus'])).toMatch(/--bogus[\s\S]*--help/);
    expect(error(['run'])).toMatch(/run/);
    expect(error(['--port'])).toMatch(/--port/);
  });

  it('accepts port 0 (pick a free port), for tests', () => {
    expect(config(['--port', '0']).port).toBe(0);
  });
});

describe('--help', () => {
  it('keeps the stored agent verdicts under LABMGR_DATA_DIR by relay id, and checks their settings', () => {
    const env = { ...token, LABMGR_DATA_DIR: '/srv/labmgr', LABMGR_RELAY_ID: 'b/../x' };
    expect(config([], env).authStoreFile).toBe('/srv/labmgr/relay-auth/b_.._x.json');
    expect(config(['--auth-store-file', '/tmp/a.json'], env).authStoreFile).toBe('/tmp/a.json');
    expect(config(['--auth-fallback-sec', '0']).authFallbackSec).toBe(0);
    expect(config([], { ...token, LABMGR_RELAY_AUTH_FALLBACK_SEC: '7776000' }).authFallbackSec).toBe(
      7_776_000,
    );
    for (const bad of ['-1', '1.5', 'week', '7776001']) {
      expect(error([`--auth-fallback-sec=${bad}`])).toMatch(/--auth-fallback-sec.*whole number from 0/);
    }
    expect(error(['--auth-store-file', ' '])).toMatch(/--auth-store-file.*file/);
    const text = helpText();
    for (const s of [
      '--auth-fallback-sec',
      'LABMGR_RELAY_AUTH_FALLBACK_SEC',
      '604800',
      'LABMGR_RELAY_AUTH_STORE_FILE',
    ])
      expect(text).toContain(s);
  });

  it('is returned for --help and -h even without a token', () => {
    expect(loadConfig(['--help'], {}).kind).toBe('help');
    expect(loadConfig(['-h'], {}).kind).toBe('help');
  });

  it('documents every flag, variable and default', () => {
    const text = helpText();
    for (const s of [
      '--port',
      'LABMGR_RELAY_PORT',
      '8081',
      '--host',
      'LABMGR_RELAY_HOST',
      '0.0.0.0',
      '--backend-url',
      'LABMGR_BACKEND_URL',
      'http://127.0.0.1:8080',
      '--token',
      'LABMGR_RELAY_TOKEN',
      'required',
      '--relay-id',
      'LABMGR_RELAY_ID',
      'relay-<hostname>',
      '--log-level',
      'LABMGR_LOG_LEVEL',
    ]) {
      expect(text).toContain(s);
    }
  });
});
