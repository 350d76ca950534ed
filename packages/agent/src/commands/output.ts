import { StringDecoder } from 'node:string_decoder';
import type { CommandOutputFrame } from '@labmgr/protocol';

export type OutputStream = CommandOutputFrame['stream'];

/** Default total output a command may send (both streams). */
export const DEFAULT_OUTPUT_CAP_BYTES = 1024 * 1024;
/** Send as soon as a stream has this much waiting… */
export const FLUSH_BYTES = 16 * 1024;
/** …or when the oldest waiting byte is this old. */
export const FLUSH_MS = 100;
/**
 * Raw bytes per frame. The frame allows 65,536 characters; decoding n bytes
 * gives at most n UTF-16 units, plus up to 3 bytes of a character carried over
 * from the previous slice.
 */
export const MAX_CHUNK_BYTES = 65_536 - 4;

export interface OutputOptions {
  readonly commandId: string;
  readonly send: (frame: CommandOutputFrame) => void;
  /** @default DEFAULT_OUTPUT_CAP_BYTES */
  readonly capBytes?: number;
}

interface Pending {
  chunks: Buffer[];
  bytes: number;
  /** Holds back an incomplete UTF-8 sequence until its last byte arrives, so no chunk splits a character. */
  readonly decoder: StringDecoder;
}

/**
 * Turns a process's stdout and stderr into `command-output` frames: coalesced
 * (fewer, larger frames for chatty programs, still live for slow ones),
 * numbered across both streams, and cut off at the cap.
 */
export class OutputCollector {
  private seq = 0;
  private total = 0;
  private timer: NodeJS.Timeout | null = null;
  private cut = false;
  private readonly capBytes: number;
  private readonly pending: Record<OutputStream, Pending> = {
    stdout: { chunks: [], bytes: 0, decoder: new StringDecoder('utf8') },
    stderr: { chunks: [], bytes: 0, decoder: new StringDecoder('utf8') },
  };

  constructor(private readonly options: OutputOptions) {
    this.capBytes = options.capBytes ?? DEFAULT_OUTPUT_CAP_BYTES;
  }

  /** True once output went past the cap; the rest was read and discarded. */
  get truncated(): boolean {
    return this.cut;
  }

  push(stream: OutputStream, data: Buffer): void {
    if (data.length === 0) return;
    const room = this.capBytes - this.total;
    if (data.length > room) this.cut = true;
    if (room <= 0) return;
    const kept = data.length > room ? data.subarray(0, room) : data;
    this.total += kept.length;
    const pending = this.pending[stream];
    pending.chunks.push(kept);
    pending.bytes += kept.length;
    if (pending.bytes >= FLUSH_BYTES) this.flush(stream);
    else this.timer ??= setTimeout(() => this.flushAll(), FLUSH_MS).unref();
  }

  /** Sends everything still waiting; call once the process's streams have closed. */
  finish(): void {
    this.flushAll();
    // A clean end may leave an incomplete character (shown as U+FFFD); after a cut it is our doing, so drop it.
    if (this.cut) return;
    for (const stream of ['stdout', 'stderr'] as const) {
      this.emit(stream, this.pending[stream].decoder.end());
    }
  }

  private flushAll(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flush('stdout');
    this.flush('stderr');
  }

  private flush(stream: OutputStream): void {
    const pending = this.pending[stream];
    if (pending.bytes === 0) return;
    const bytes = Buffer.concat(pending.chunks, pending.bytes);
    pending.chunks = [];
    pending.bytes = 0;
    for (let offset = 0; offset < bytes.length; offset += MAX_CHUNK_BYTES) {
      this.emit(stream, pending.decoder.write(bytes.subarray(offset, offset + MAX_CHUNK_BYTES)));
    }
  }

  private emit(stream: OutputStream, data: string): void {
    if (data === '') return;
    this.options.send({
      type: 'command-output',
      commandId: this.options.commandId,
      seq: this.seq++,
      stream,
      data,
    });
  }
}
