import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, type Env, type ResolveInput, resolveConfig, type SettingFlags } from './config.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-agent-config-'));
  file = join(dir, 'agent.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function resolveWith(flags: SettingFlags = {}, env: Env = {}, extra: Partial<ResolveInput> = {}) {
  return resolveConfig({ flags, env, cwd: '/srv', defaultConfigPath: join(dir, 'absent.json'), ...extra });
}

const writeConfig = (value: unknown) => writeFile(file, JSON.stringify(value));

describe('resolveConfig', () => {
  it('has defaults for everything, paths under the working directory', () => {
    const { settings, configFile } = resolveWith();
    expect(configFile).toBeNull();
    expect(settings).toEqual({
      dataDir: '/srv/data',
      stateDir: '/srv/data/agent',
      intervalMs: 5000,
      bufferMaxSamples: 10_000,
      bufferMaxBytes: 64 * 1024 * 1024,
      logLevel: 'info',
      logFormat: 'json',
    });
  });

  it('takes flags over environment over config file over defaults, setting by setting', async () => {
    await writeConfig({ intervalMs: 3000, bufferMaxSamples: 500, logLevel: 'warn', logFormat: 'pretty' });
    const env = { LABMGR_AGENT_CONFIG: file, LABMGR_AGENT_INTERVAL_MS: '2000', LABMGR_LOG_LEVEL: 'DEBUG' };
    const { settings, configFile, configExplicit } = resolveWith({ intervalMs: '1000' }, env);
    expect(configFile).toBe(file);
    expect(configExplicit).toBe(true);
    expect(settings).toMatchObject({
      intervalMs: 1000, // flag
      logLevel: 'debug', // env
      bufferMaxSamples: 500, // file
      logFormat: 'pretty', // file
      bufferMaxBytes: 64 * 1024 * 1024, // default
    });
    expect(resolveWith({}, env).settings.intervalMs).toBe(2000);
  });

  it('prefers --config over LABMGR_AGENT_CONFIG, and reads the default path only if it exists', async () => {
    await writeConfig({ intervalMs: 3000 });
    const other = join(dir, 'other.json');
    await writeFile(other, '{"intervalMs": 4000}');
    expect(resolveWith({ config: other }, { LABMGR_AGENT_CONFIG: file }).settings.intervalMs).toBe(4000);
    const byDefault = resolveWith({}, {}, { defaultConfigPath: file });
    expect(byDefault).toMatchObject({
      configFile: file,
      configExplicit: false,
      settings: { intervalMs: 3000 },
    });
  });

  it('resolves config-file paths against the file, and flag/env paths against the working directory', async () => {
    await writeConfig({ dataDir: 'lib' });
    expect(resolveWith({ config: file }).settings).toMatchObject({
      dataDir: join(dir, 'lib'),
      stateDir: join(dir, 'lib/agent'),
    });
    expect(resolveWith({ config: file, dataDir: 'd' }).settings.stateDir).toBe('/srv/d/agent');
  });

  it('lets an explicit state dir from any source win over one derived from the data dir', async () => {
    await writeConfig({ stateDir: '/var/lib/labmgr-agent' });
    expect(resolveWith({ config: file, dataDir: '/data' }).settings.stateDir).toBe('/var/lib/labmgr-agent');
    expect(resolveWith({ stateDir: 's' }, { LABMGR_AGENT_STATE_DIR: '/env' }).settings.stateDir).toBe(
      '/srv/s',
    );
    expect(resolveWith({}, { LABMGR_AGENT_STATE_DIR: '/env', LABMGR_DATA_DIR: '/d' }).settings.stateDir).toBe(
      '/env',
    );
  });

  it('treats empty flags and variables as unset', () => {
    expect(resolveWith({ stateDir: '' }, { LABMGR_AGENT_STATE_DIR: ' ' }).settings.stateDir).toBe(
      '/srv/data/agent',
    );
  });

  it.each([
    [
      'an unknown key',
      { intervalMs: 1000, intervall: 5 },
      /unknown key "intervall" \(known: dataDir, stateDir/,
    ],
    ['a bad number', { intervalMs: 100 }, /"intervalMs" must be a whole number of milliseconds from 250/],
    ['a fraction', { bufferMaxSamples: 1.5 }, /"bufferMaxSamples" must be a whole number/],
    ['a bad level', { logLevel: 'loud' }, /"logLevel" must be one of fatal, error/],
    ['a non-string path', { stateDir: 7 }, /"stateDir" must be a non-empty path/],
    ['an array', [1], /must hold a JSON object/],
  ])('rejects a config file with %s, naming the file', async (_name, content, message) => {
    await writeConfig(content);
    expect(() => resolveWith({ config: file })).toThrow(ConfigError);
    expect(() => resolveWith({ config: file })).toThrow(message);
    expect(() => resolveWith({ config: file })).toThrow(file);
  });

  it('rejects a config file that is not JSON or does not exist', async () => {
    await writeFile(file, '{"intervalMs": 1000,}');
    expect(() => resolveWith({ config: file })).toThrow(/is not valid JSON/);
    expect(() => resolveWith({ config: join(dir, 'missing.json') })).toThrow(
      /cannot read config file .*ENOENT/,
    );
  });

  it.each(['249', '-5', '1.5', 'abc', '99999999999'])(
    'rejects interval %s from a flag or the environment',
    (raw) => {
      expect(() => resolveWith({ intervalMs: raw })).toThrow(/--interval-ms must be a whole number/);
      expect(() => resolveWith({}, { LABMGR_AGENT_INTERVAL_MS: raw })).toThrow(/LABMGR_AGENT_INTERVAL_MS/);
    },
  );

  it('rejects a buffer smaller than 1 MiB and an unknown log format', () => {
    expect(() => resolveWith({ bufferMaxBytes: '1000' })).toThrow(
      /--buffer-max-bytes must be a whole number of bytes/,
    );
    expect(() => resolveWith({}, { LABMGR_LOG_FORMAT: 'xml' })).toThrow(
      /LABMGR_LOG_FORMAT must be one of json, pretty/,
    );
  });
});
