import type { CommandDetail, CommandRun, LiveEvent } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import {
  applyJobEvents,
  formatDuration,
  jobProgress,
  jobState,
  jobWhat,
  statusCounts,
  targetText,
  touchesJobs,
} from './job-model.js';

const ID = '11111111-1111-4111-8111-111111111111';
const A = '22222222-2222-4222-8222-222222222222';
const B = '33333333-3333-4333-8333-333333333333';

const run = (computerId: string, over: Partial<CommandRun> = {}): CommandRun => ({
  computerId,
  executorId: null,
  computerName: computerId === A ? 'pc-a' : 'pc-b',
  status: 'sent',
  exitCode: null,
  signal: null,
  stdout: '',
  stderr: '',
  truncated: false,
  message: null,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  ...over,
});

const job = (runs: CommandRun[]): CommandDetail => ({
  id: ID,
  kind: 'shell',
  command: 'echo hi',
  shell: 'sh',
  argv: null,
  runAs: null,
  power: null,
  notice: null,
  script: null,
  wake: null,
  timeoutSec: 60,
  targets: { computerIds: [A, B] },
  status: 'running',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: { id: 'u', username: 'admin' },
  finishedAt: null,
  counts: { sent: runs.length },
  rerunOf: null,
  runs,
});

describe('applyJobEvents', () => {
  it('streams output and follows runs to the end', () => {
    const start = job([run(A), run(B)]);
    const {
      stdout: _o,
      stderr: _e,
      ...finished
    } = run(A, { status: 'succeeded', exitCode: 0, durationMs: 12 });
    const events: LiveEvent[] = [
      { type: 'command.output', commandId: ID, computerId: A, stream: 'stdout', data: 'hel' },
      { type: 'command.output', commandId: ID, computerId: A, stream: 'stdout', data: 'lo\n' },
      { type: 'command.output', commandId: ID, computerId: A, stream: 'stderr', data: 'warn' },
      { type: 'command.run', commandId: ID, run: finished },
    ];
    const next = applyJobEvents(start, events);
    expect(next.runs[0]).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      stdout: 'hello\n',
      stderr: 'warn',
    });
    expect(next.counts).toEqual({ succeeded: 1, sent: 1 });
    expect(next.status).toBe('running');

    const { stdout: _o2, stderr: _e2, ...failed } = run(B, { status: 'failed', exitCode: 2 });
    const done = applyJobEvents(next, [{ type: 'command.run', commandId: ID, run: failed }]);
    expect(done.status).toBe('completed');
    expect(jobState(done)).toBe('partial');
  });

  it('ignores other jobs and returns the same object', () => {
    const start = job([run(A)]);
    const other: LiveEvent = {
      type: 'command.output',
      commandId: '44444444-4444-4444-8444-444444444444',
      computerId: A,
      stream: 'stdout',
      data: 'x',
    };
    expect(applyJobEvents(start, [other])).toBe(start);
  });
});

describe('list helpers', () => {
  it('orders badges problems first and sums progress', () => {
    const counts = { succeeded: 28, failed: 2, running: 1 };
    expect(statusCounts(counts).map((c) => c.status)).toEqual(['failed', 'succeeded', 'running']);
    expect(jobProgress(counts)).toEqual({ total: 31, done: 30, succeeded: 28 });
  });

  it('calls a job by how it ended', () => {
    expect(jobState({ status: 'completed', counts: { succeeded: 3 } })).toBe('succeeded');
    expect(jobState({ status: 'completed', counts: { unreachable: 3 } })).toBe('failed');
    expect(jobState({ status: 'running', counts: { succeeded: 3 } })).toBe('running');
    expect(jobState({ status: 'completed', counts: { succeeded: 1, cancelled: 2 } })).toBe('cancelled');
    expect(jobState({ status: 'completed', counts: { failed: 1, cancelled: 2 } })).toBe('failed');
  });

  it('says what ran and where', () => {
    expect(
      jobWhat({ ...job([]), kind: 'power', power: { action: 'shutdown', delaySec: 300, message: null } }),
    ).toBe('Shut down in 5 min');
    expect(jobWhat({ ...job([]), script: { id: 's', name: 'Clean', version: 2, params: {} } })).toBe(
      'Clean (v2)',
    );
    const names = { computer: (id: string) => (id === A ? 'pc-a' : undefined), lab: () => 'Room 101' };
    expect(targetText({ computerIds: [A] }, names)).toBe('pc-a');
    expect(targetText({ computerIds: [A, B] }, names)).toBe('2 computers');
    expect(targetText({ labId: 'l', tag: 'gpu' }, names)).toBe('Lab Room 101 + Tag gpu');
    expect(targetText({ allOnline: true }, names)).toBe('All online');
  });

  it('tells listed jobs from new ones', () => {
    const { stdout: _o, stderr: _e, ...r } = run(A);
    const ev: LiveEvent = { type: 'command.run', commandId: ID, run: r };
    expect(touchesJobs([ev], new Set([ID]))).toBe('listed');
    expect(touchesJobs([ev], new Set())).toBe('new');
    expect(touchesJobs([], new Set([ID]))).toBeNull();
  });

  it('formats durations', () => {
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(125_000)).toBe('2 min');
    expect(formatDuration(null)).toBe('–');
  });
});
