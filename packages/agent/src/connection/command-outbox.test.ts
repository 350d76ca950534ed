import { describe, expect, it } from 'vitest';
import { CommandOutbox } from './command-outbox.js';

const ID = '0b8f8f3a-3f6e-4c55-9d8e-0a1b2c3d4e5f';
const output = (seq: number) =>
  ({ type: 'command-output', commandId: ID, seq, stream: 'stdout', data: 'x' }) as const;
const started = { type: 'command-started', commandId: ID, startedAt: 1 } as const;

describe('CommandOutbox', () => {
  it('drains in order and empties', () => {
    const box = new CommandOutbox();
    box.enqueue(started);
    box.enqueue(output(0));
    expect(box.drain().map((t) => JSON.parse(t).type)).toEqual(['command-started', 'command-output']);
    expect(box.size).toBe(0);
  });

  it('drops output chunks first when full, keeping starts and results', () => {
    const box = new CommandOutbox(3);
    box.enqueue(started);
    for (let seq = 0; seq < 5; seq++) box.enqueue(output(seq));
    const kept = box.drain().map((t) => JSON.parse(t));
    expect(kept.map((f) => f.type)).toEqual(['command-started', 'command-output', 'command-output']);
    expect(kept.slice(1).map((f) => f.seq)).toEqual([3, 4]);
    expect(box.dropped).toBe(3);
  });

  it('bounds bytes too', () => {
    const box = new CommandOutbox(1000, 400);
    for (let seq = 0; seq < 10; seq++) box.enqueue(output(seq));
    expect(box.size).toBeLessThan(10);
    expect(box.size).toBeGreaterThan(0);
  });
});
