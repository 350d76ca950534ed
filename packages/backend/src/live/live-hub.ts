import type { LiveEvent } from '@labmgr/protocol';
import type { WebSocket } from 'ws';

/** Above this many queued bytes a browser is too slow to keep up and is dropped (it reconnects and refetches). */
const MAX_BUFFERED = 8 * 1024 * 1024;
/** Events published within this window go out together, as one JSON array. */
const DEFAULT_BATCH_MS = 100;
/** A batch this long goes out at once rather than waiting for the window to end. */
const MAX_BATCH_EVENTS = 2000;

/**
 * Fans live events out to every connected, logged-in browser. Events are
 * gathered for up to {@link DEFAULT_BATCH_MS} and sent as one frame: a JSON
 * array when there are several, the bare event when there is one. With a
 * thousand computers reporting every second that is ten frames a second per
 * browser instead of a thousand, for the server's sockets and the browser's
 * message handling alike.
 */
export class LiveHub {
  private readonly sockets = new Set<WebSocket>();
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly batchMs = DEFAULT_BATCH_MS) {}

  add(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  get size(): number {
    return this.sockets.size;
  }

  publish(event: LiveEvent): void {
    if (this.sockets.size === 0) return;
    this.pending.push(JSON.stringify(event));
    if (this.pending.length >= MAX_BATCH_EVENTS || this.batchMs <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.batchMs);
  }

  /** Sends what is pending now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const events = this.pending;
    if (events.length === 0) return;
    this.pending = [];
    const text = events.length === 1 ? (events[0] as string) : `[${events.join(',')}]`;
    for (const socket of this.sockets) {
      if (socket.readyState !== socket.OPEN) continue;
      if (socket.bufferedAmount > MAX_BUFFERED) {
        socket.close(1013, 'too slow to receive live updates; reconnect');
        continue;
      }
      socket.send(text);
    }
  }

  closeAll(): void {
    this.flush();
    for (const socket of this.sockets) socket.close(1001, 'server shutting down');
  }
}
