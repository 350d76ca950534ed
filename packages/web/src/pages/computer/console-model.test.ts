import type { CommandRun, LiveEvent } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { type ConsoleRun, foldConsoleEvents, isFinal, MAX_OUTPUT_CHARS, settleRun } from './console-model.js';

const COMPUTER = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';
const CMD = '00000000-0000-4000-8000-0000000000aa';

const start: ConsoleRun = {
  commandId: CMD,
  command: 'uname -a',
  status: 'pending',
  exitCode: null,
  message: null,
  chunks: [],
};

function output(data: string, stream: 'stdout' | 'stderr' = 'stdout', computerId = COMPUTER): LiveEvent {
  return { type: 'command.output', commandId: CMD, computerId, stream, data };
}

const baseRun: Omit<CommandRun, 'stdout' | 'stderr'> = {
  computerId: COMPUTER,
  executorId: null,
  computerName: 'pc01',
  status: 'succeeded',
  exitCode: 0,
  signal: null,
  truncated: false,
  message: null,
  startedAt: null,
  finishedAt: null,
  durationMs: 5,
};

describe('foldConsoleEvents', () => {
  it('appends this run’s output in order and follows its state', () => {
    const next = foldConsoleEvents(
      start,
      [
        output('Linux '),
        output('oops', 'stderr'),
        output('ignored', 'stdout', OTHER),
        { type: 'command.run', commandId: CMD, run: baseRun },
      ],
      COMPUTER,
    );
    expect(next.chunks).toEqual([
      { stream: 'stdout', data: 'Linux ' },
      { stream: 'stderr', data: 'oops' },
    ]);
    expect(next.status).toBe('succeeded');
    expect(next.exitCode).toBe(0);
    expect(isFinal(next.status)).toBe(true);
  });

  it('returns the same object when nothing concerns the run', () => {
    expect(foldConsoleEvents(start, [output('x', 'stdout', OTHER)], COMPUTER)).toBe(start);
  });

  it('drops the oldest output beyond the cap', () => {
    const big = 'x'.repeat(MAX_OUTPUT_CHARS / 2 + 1);
    const next = foldConsoleEvents(start, [output('first'), output(big), output(big)], COMPUTER);
    expect(next.chunks.map((c) => c.data.length)).toEqual(
      [big.length, big.length].slice(0, next.chunks.length),
    );
    expect(next.chunks[0]?.data).not.toBe('first');
  });
});

describe('settleRun', () => {
  it('takes the stored output when it holds more than the live chunks', () => {
    const live = { ...start, chunks: [{ stream: 'stdout' as const, data: 'Lin' }] };
    const settled = settleRun(live, { ...baseRun, stdout: 'Linux pc01', stderr: 'warn' });
    expect(settled.chunks).toEqual([
      { stream: 'stdout', data: 'Linux pc01' },
      { stream: 'stderr', data: 'warn' },
    ]);
    expect(settled.status).toBe('succeeded');
  });

  it('keeps the live chunks (their interleaving) when complete', () => {
    const chunks = [
      { stream: 'stdout' as const, data: 'a' },
      { stream: 'stderr' as const, data: 'b' },
    ];
    expect(settleRun({ ...start, chunks }, { ...baseRun, stdout: 'a', stderr: 'b' }).chunks).toBe(chunks);
  });
});
