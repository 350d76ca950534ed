// The TLS, limit and metrics settings of `loadConfig` (the rest: config.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { helpText, loadConfig } from './config.js';
import { selfSignedCertFiles } from './testing/tls-cert.js';

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

const cert = selfSignedCertFiles();
const dir = mkdtempSync(join(tmpdir(), 'labmgr-relay-config-'));
afterAll(() => {
  cert.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('limit settings', () => {
  it('reads flags, with sizes in bytes or KiB/MiB', () => {
    expect(
      config([
        '--max-frame-bytes',
        '2MiB',
        '--rate-limit',
        '5',
        '--rate-burst',
        '50',
        '--max-send-buffer',
        '65536',
        '--max-unauthenticated',
        '0',
        '--ip-connect-limit',
        '100',
        '--ip-connect-window',
        '300',
        '--auth-cache-sec',
        '0',
        '--headers-timeout',
        '2',
        '--max-pending-connections',
        '5',
        '--max-pending-per-address',
        '2',
      ]),
    ).toMatchObject({
      maxFrameBytes: 2 * 1024 * 1024,
      rateLimit: 5,
      rateBurst: 50,
      maxSendBufferBytes: 65_536,
      maxUnauthenticated: 0,
      ipConnectLimit: 100,
      ipConnectWindowSec: 300,
      authCacheSec: 0,
      headersTimeoutSec: 2,
      maxPendingConnections: 5,
      maxPendingPerAddress: 2,
    });
  });

  it.each([
    [['--max-frame-bytes', '100'], /--max-frame-bytes "100": expected a size from 1024/],
    [['--max-frame-bytes', '1 potato'], /--max-frame-bytes/],
    [['--rate-limit=-1'], /--rate-limit "-1": expected a whole number/],
    [['--rate-limit', '2.5'], /--rate-limit/],
    [['--rate-burst', '0'], /--rate-burst "0": expected a whole number from 1/],
    [['--max-send-buffer', 'lots'], /--max-send-buffer/],
    [['--max-unauthenticated', 'x'], /--max-unauthenticated/],
    [['--ip-connect-limit', ''], /--ip-connect-limit/],
    [['--ip-connect-window', '0'], /--ip-connect-window "0": expected a whole number from 1 to 3600/],
    [['--auth-cache-sec', '3601'], /--auth-cache-sec "3601": expected a whole number from 0 to 600/],
    [['--headers-timeout', '0'], /--headers-timeout "0": expected a whole number from 1 to 300/],
    [['--headers-timeout', '301'], /--headers-timeout "301": expected a whole number from 1 to 300/],
    [['--max-pending-connections=x'], /--max-pending-connections "x": expected a whole number/],
    [['--ack-interval-ms', '60001'], /--ack-interval-ms "60001": expected a whole number from 0 to 60000/],
  ])('rejects %j', (argv, message) => {
    expect(error(argv)).toMatch(message);
  });

  it('names the environment variable of a bad value', () => {
    expect(error([], { ...token, LABMGR_RELAY_RATE_BURST: 'many' })).toMatch(
      /LABMGR_RELAY_RATE_BURST "many"/,
    );
  });

  it('leaves /metrics open unless a token is set', () => {
    expect(config([]).metricsToken).toBeUndefined();
    expect(config(['--metrics-token', 'm']).metricsToken).toBe('m');
  });
});

describe('TLS settings', () => {
  it('takes a readable certificate and key from flags or the environment', () => {
    expect(config(['--tls-cert', cert.certFile, '--tls-key', cert.keyFile])).toMatchObject({
      tlsCert: cert.certFile,
      tlsKey: cert.keyFile,
    });
    expect(
      config([], { ...token, LABMGR_RELAY_TLS_CERT: cert.certFile, LABMGR_RELAY_TLS_KEY: cert.keyFile }),
    ).toMatchObject({ tlsCert: cert.certFile, tlsKey: cert.keyFile });
    expect(config([]).tlsCert).toBeUndefined();
  });

  it('reads the backend CA to trust from a PEM file, and names a bad one', () => {
    expect(config(['--backend-ca', cert.certFile]).backendCa).toContain('BEGIN CERTIFICATE');
    expect(config([], { ...token, LABMGR_RELAY_BACKEND_CA: cert.certFile }).backendCa).toContain(
      'BEGIN CERTIFICATE',
    );
    expect(config([]).backendCa).toBeUndefined();
    expect(error(['--backend-ca', cert.keyFile])).toMatch(
      /Invalid --backend-ca .*expected a readable PEM certificate/,
    );
    expect(error(['--backend-ca', '/nonexistent/ca.crt'])).toMatch(/Invalid --backend-ca/);
  });

  it('refuses a certificate without a key, and the other way round', () => {
    expect(error(['--tls-cert', cert.certFile])).toMatch(
      /both a certificate and a key.*--tls-key.*LABMGR_RELAY_TLS_KEY/,
    );
    expect(error([], { ...token, LABMGR_RELAY_TLS_KEY: cert.keyFile })).toMatch(/--tls-cert/);
  });

  it('says which file cannot be read', () => {
    const missing = join(dir, 'missing.pem');
    expect(error(['--tls-cert', cert.certFile, '--tls-key', missing])).toMatch(
      new RegExp(`Cannot read --tls-key "${missing}".*ENOENT`),
    );
  });

  it('refuses files that are not a matching PEM certificate and key', () => {
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a pem');
    expect(error(['--tls-cert', junk, '--tls-key', cert.keyFile])).toMatch(/Invalid TLS certificate or key/);
    const other = selfSignedCertFiles();
    try {
      expect(error(['--tls-cert', cert.certFile, '--tls-key', other.keyFile])).toMatch(
        /Invalid TLS certificate or key.*(mismatch|values)/i,
      );
    } finally {
      other.remove();
    }
  });
});

describe('--help', () => {
  it('documents every new flag with its variable and default', () => {
    const text = helpText();
    for (const s of [
      '--tls-cert <file>',
      'LABMGR_RELAY_TLS_CERT',
      '--tls-key <file>',
      'LABMGR_RELAY_TLS_KEY',
      '--max-frame-bytes',
      'LABMGR_RELAY_MAX_FRAME_BYTES',
      'default: 1048576',
      '--rate-limit',
      'LABMGR_RELAY_RATE_LIMIT',
      'default: 50',
      '--rate-burst',
      'default: 500',
      '--max-send-buffer',
      'default: 4194304',
      '--max-unauthenticated',
      'default: 1000',
      '--ip-connect-limit',
      'default: 600',
      '--ip-connect-window',
      'default: 60',
      '--auth-cache-sec',
      'default: 30',
      '--headers-timeout <seconds>',
      'LABMGR_RELAY_HEADERS_TIMEOUT',
      'default: 10',
      '--max-pending-connections <count>',
      'LABMGR_RELAY_MAX_PENDING_CONNECTIONS',
      'default: 2000',
      '--max-pending-per-address <count>',
      'LABMGR_RELAY_MAX_PENDING_PER_ADDRESS',
      'default: 250',
      '--metrics-token',
      'LABMGR_RELAY_METRICS_TOKEN',
      '/readyz',
    ]) {
      expect(text).toContain(s);
    }
  });
});
