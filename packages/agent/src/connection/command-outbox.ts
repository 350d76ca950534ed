import type { CommandOutputFrame, CommandResultFrame, CommandStartedFrame } from '@labmgr/protocol';
import type { CommandExecutor } from '../handlers/context.js';
import type { Logger } from '../logging/logger.js';
import type { Outbox } from './outbox.js';

/** What a running command reports; sent as it happens, not numbered or acked like samples. */
export type CommandProgressFrame = CommandStartedFrame | CommandOutputFrame | CommandResultFrame;

/** @default 1000 */
export const DEFAULT_COMMAND_QUEUE_FRAMES = 1000;
/** @default 4 MiB — a few commands' worth of capped output. */
export const DEFAULT_COMMAND_QUEUE_BYTES = 4 * 1024 * 1024;

interface Queued {
  readonly type: CommandProgressFrame['type'];
  readonly text: string;
  readonly bytes: number;
}

/**
 * Command frames produced while the relay is away, kept in memory until the
 * next `welcome`. Bounded: when full, output chunks go first (oldest first),
 * so a chatty command cannot push out the `command-result` that says how it
 * ended; only a queue of nothing but starts and results loses its oldest.
 */
export class CommandOutbox {
  private queue: Queued[] = [];
  private bytes = 0;
  private droppedCount = 0;

  constructor(
    private readonly maxFrames = DEFAULT_COMMAND_QUEUE_FRAMES,
    private readonly maxBytes = DEFAULT_COMMAND_QUEUE_BYTES,
  ) {}

  get size(): number {
    return this.queue.length;
  }

  /** Frames dropped because the queue was full, since start. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Queues a frame; returns how many older frames it pushed out. */
  enqueue(frame: CommandProgressFrame): number {
    const text = JSON.stringify(frame);
    const entry = { type: frame.type, text, bytes: Buffer.byteLength(text) };
    this.queue.push(entry);
    this.bytes += entry.bytes;
    let evicted = 0;
    while (this.queue.length > 1 && (this.queue.length > this.maxFrames || this.bytes > this.maxBytes)) {
      const output = this.queue.findIndex((q) => q.type === 'command-output');
      const [victim] = this.queue.splice(output === -1 ? 0 : output, 1);
      this.bytes -= victim?.bytes ?? 0;
      evicted += 1;
    }
    this.droppedCount += evicted;
    return evicted;
  }

  /** Everything queued, oldest first, as encoded frames; empties the queue. */
  drain(): string[] {
    const texts = this.queue.map((q) => q.text);
    this.queue = [];
    this.bytes = 0;
    return texts;
  }
}

/** The connection's side of command execution: the executor, and where its frames go. */
export class CommandChannel {
  private readonly queue = new CommandOutbox();

  constructor(
    private readonly log: Logger,
    /** Runs delivered commands; `undefined` makes the handlers refuse them. */
    public executor: CommandExecutor | undefined,
  ) {}

  get queued(): number {
    return this.queue.size;
  }

  get dropped(): number {
    return this.queue.dropped;
  }

  /** Sends on the welcomed socket's outbox, or queues while there is none. */
  send(frame: CommandProgressFrame, outbox: Outbox | null): void {
    if (outbox) {
      outbox.send(frame);
      return;
    }
    const evicted = this.queue.enqueue(frame);
    if (evicted > 0)
      this.log.warn({ evicted, queued: this.queue.size }, 'command frame queue full; dropped the oldest');
  }

  /** After a welcome: everything queued, in order. */
  flushTo(outbox: Outbox): void {
    for (const text of this.queue.drain()) outbox.sendText(text);
  }
}
