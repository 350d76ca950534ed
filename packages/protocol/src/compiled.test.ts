import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { renderValidators } from '../scripts/render-validators.js';
import {
  type Check,
  checkAgentDataFrame,
  checkAgentFrame,
  checkCommandResultFrame,
  checkEnrollResponse,
  checkErrorBody,
  checkInventory,
  checkMetricSample,
  checkMetricsFrame,
  checkRelayFrame,
  parseChecked,
} from './compiled.js';
import {
  AgentDataFrame,
  AgentFrame,
  CommandResultFrame,
  EnrollResponse,
  ErrorBody,
  fixtures,
  Inventory,
  MetricSample,
  MetricsFrame,
  RelayFrame,
} from './index.js';

const computerId = '0b8f4d2e-3c6a-4f1b-9a7e-5d2c8b1e4f60';

describe('generated validators', () => {
  it('are what the current schemas compile to (regenerate with scripts/generate-validators.ts)', () => {
    const file = readFileSync(new URL('./generated/validators.ts', import.meta.url), 'utf8');
    expect(file === renderValidators()).toBe(true);
  });
});

const validAgentFrames: unknown[] = [
  { type: 'hello', protocolVersion: 1, agentVersion: '0.1.0', hostname: 'lab1-pc01' },
  { type: 'inventory', inventory: fixtures.inventory() },
  { type: 'metrics', seq: 1, sample: fixtures.sample() },
  { type: 'metrics', seq: 2, sample: fixtures.sample(1, 0), dropped: 4, future: 'field' },
  { type: 'ping', ts: 1 },
  { type: 'pong', ts: 2 },
  { type: 'command-started', commandId: computerId, startedAt: 1 },
  { type: 'command-output', commandId: computerId, seq: 0, stream: 'stderr', data: 'out' },
  {
    type: 'command-result',
    commandId: computerId,
    status: 'failed',
    exitCode: null,
    signal: 'SIGKILL',
    startedAt: null,
    finishedAt: 6,
    durationMs: 5,
    truncated: true,
    message: 'killed',
  },
];
const invalidAgentFrames: unknown[] = [
  ...fixtures.invalidAgentFrames.filter(([name]) => name !== 'not JSON').map(([, text]) => JSON.parse(text)),
  null,
  'metrics',
  { type: 'constructor' },
  { type: 'toString', seq: 1 },
  { type: 'hello', protocolVersion: 0, agentVersion: '1', hostname: 'h' },
  { type: 'inventory', inventory: { ...fixtures.inventory(), hostname: '' } },
  { type: 'metrics', seq: 1.5, sample: fixtures.sample() },
  { type: 'metrics', seq: 1, sample: fixtures.sample(), dropped: -1 },
  { type: 'ping' },
  { type: 'pong', ts: -1 },
  { type: 'command-started', commandId: 'x', startedAt: 1 },
  { type: 'command-output', commandId: computerId, seq: 0, stream: 'stdin', data: '' },
  { type: 'command-output', commandId: computerId, seq: 0, stream: 'stdout', data: 'x'.repeat(65_537) },
  { type: 'command-result', commandId: computerId, status: 'fine' },
];
const controlFrames = new Set(['hello', 'ping', 'pong']);
const isControlFrame = (v: unknown) =>
  typeof v === 'object' && v !== null && controlFrames.has((v as { type?: unknown }).type as string);

/** Valid and invalid values; zod and the compiled validator must give the same verdict on each. */
const cases: Array<[string, z.ZodType, Check<unknown>, unknown[], unknown[]]> = [
  ['AgentFrame', AgentFrame, checkAgentFrame, validAgentFrames, invalidAgentFrames],
  [
    'AgentDataFrame',
    AgentDataFrame,
    checkAgentDataFrame,
    validAgentFrames.filter((v) => !isControlFrame(v)),
    [...invalidAgentFrames, ...validAgentFrames.filter(isControlFrame)],
  ],
  [
    'RelayFrame',
    RelayFrame,
    checkRelayFrame,
    [
      { type: 'welcome', protocolVersion: 1, computerId, relayId: 'r1', serverTime: 1 },
      { type: 'ack', seq: 5 },
      { type: 'ping', ts: 1 },
      { type: 'pong', ts: 2 },
      { type: 'live-mode', intervalMs: 1000, ttlSec: 60 },
      { type: 'command', command: fixtures.command({ computerId }), signature: 'c2ln' },
      {
        type: 'command',
        command: {
          ...fixtures.command({ computerId }),
          kind: 'exec',
          argv: ['ls'],
          shell: undefined,
          script: undefined,
        },
        signature: 'c2ln',
      },
      { type: 'cancel', commandId: computerId },
      { type: 'ack', seq: 5, future: 'field' },
    ],
    [
      null,
      'ack',
      { type: 'ack' },
      { type: 'ack', seq: 0 },
      { type: 'ack', seq: 1.5 },
      { type: 'nope', seq: 1 },
      { type: 'live-mode', intervalMs: 10, ttlSec: 60 },
      { type: 'welcome', protocolVersion: 1, computerId: 'not-a-uuid', relayId: 'r1', serverTime: 1 },
      { type: 'command', command: { ...fixtures.command({ computerId }), timeoutSec: 0 }, signature: 'x' },
      { type: 'command', command: { ...fixtures.command({ computerId }), kind: 'exec' }, signature: 'x' },
      { type: 'cancel', commandId: 'x' },
    ],
  ],
  [
    'MetricSample',
    MetricSample,
    checkMetricSample,
    [fixtures.sample(), fixtures.sample(1, 0)],
    [
      {},
      { ...fixtures.sample(), cpu: { ...fixtures.sample().cpu, percent: 'high' } },
      { ...fixtures.sample(), at: -1 },
      { ...fixtures.sample(), memory: null },
    ],
  ],
  [
    'MetricsFrame',
    MetricsFrame,
    checkMetricsFrame,
    [
      { type: 'metrics', seq: 1, sample: fixtures.sample() },
      { type: 'metrics', seq: 1, sample: fixtures.sample(), dropped: 3 },
    ],
    [
      { type: 'metrics', seq: 0, sample: fixtures.sample() },
      { type: 'metrics', seq: 1, sample: {} },
    ],
  ],
  [
    'Inventory',
    Inventory,
    checkInventory,
    [fixtures.inventory()],
    [
      { ...fixtures.inventory(), hostname: '' },
      { ...fixtures.inventory(), os: 1 },
    ],
  ],
  [
    'CommandResultFrame',
    CommandResultFrame,
    checkCommandResultFrame,
    [
      {
        type: 'command-result',
        commandId: computerId,
        status: 'succeeded',
        exitCode: 0,
        startedAt: 1,
        finishedAt: 6,
        signal: null,
        durationMs: 5,
        truncated: false,
        message: null,
      },
    ],
    [{ type: 'command-result', commandId: computerId, status: 'fine' }],
  ],
  [
    'EnrollResponse',
    EnrollResponse,
    checkEnrollResponse,
    [
      {
        computerId,
        credential: 'c',
        relayUrl: 'ws://x',
        serverCertFingerprint: null,
        commandPublicKey: null,
      },
    ],
    [{ computerId, credential: 'c' }],
  ],
  ['ErrorBody', ErrorBody, checkErrorBody, [{ error: { code: 'bad', message: 'no' } }], [{ error: 'no' }]],
];

describe.each(cases)(
  'compiled %s agrees with the zod schema',
  (_name, schema, checkValue, valid, invalid) => {
    it.each(valid.map((v, i) => [i, v]))('accepts valid value %i', (_i, value) => {
      expect(schema.safeParse(structuredClone(value)).success).toBe(true);
      expect(checkValue(structuredClone(value)).ok).toBe(true);
    });
    it.each(invalid.map((v, i) => [i, v]))('rejects invalid value %i with a reason', (_i, value) => {
      expect(schema.safeParse(structuredClone(value)).success).toBe(false);
      const r = checkValue(structuredClone(value));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(3);
    });
  },
);

describe('compiled validators', () => {
  it('fill in defaults as zod does', () => {
    const r = checkMetricsFrame({ type: 'metrics', seq: 1, sample: fixtures.sample() });
    expect(r.ok && r.value.dropped).toBe(0);
  });

  it('name the offending field of the matching branch', () => {
    expect(checkRelayFrame({ type: 'live-mode', intervalMs: 10, ttlSec: 60 })).toEqual({
      ok: false,
      reason: 'intervalMs: must be >= 250',
    });
    const unknown = checkRelayFrame({ type: 'nope' });
    expect(unknown.ok === false && unknown.reason).toContain('type');
  });

  it('name the field at fault in an agent frame, within a close reason', () => {
    expect(checkAgentFrame({ type: 'metrics', seq: -1, sample: fixtures.sample() })).toEqual({
      ok: false,
      reason: 'seq: must be > 0',
    });
    const cpu = checkAgentFrame({
      type: 'metrics',
      seq: 1,
      sample: { ...fixtures.sample(), cpu: { percent: 250 } },
    });
    expect(cpu.ok === false && cpu.reason).toMatch(/^sample\.cpu/);
    // A time no Date can hold is the agent's fault: refused with its frame, never stored.
    const future = checkAgentFrame({ type: 'metrics', seq: 1, sample: fixtures.sample(8.64e15 + 1) });
    expect(future).toEqual({ ok: false, reason: 'sample.at: must be <= 8640000000000000' });
    expect(checkAgentFrame([1, 2, 3])).toEqual({ ok: false, reason: '(root): must be object' });
    const unknown = checkAgentFrame({ type: 'x'.repeat(500) });
    expect(unknown.ok === false && unknown.reason).toMatch(/^type: /);
    for (const [, text] of fixtures.invalidAgentFrames) {
      const r = parseChecked(checkAgentFrame, text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(Buffer.byteLength(r.reason)).toBeLessThanOrEqual(123);
    }
  });

  it('parse text frames and report bad JSON', () => {
    expect(parseChecked(checkRelayFrame, '{"type":"ack","seq":2}')).toEqual({
      ok: true,
      value: { type: 'ack', seq: 2 },
    });
    expect(parseChecked(checkRelayFrame, '{')).toEqual({ ok: false, reason: 'frame is not valid JSON' });
  });
});
