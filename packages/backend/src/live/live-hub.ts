import type { LiveEvent } from '@labmgr/protocol';
import type { WebSocket } from 'ws';

/** Above this many queued bytes a browser is too slow to keep up and is dropped (it reconnects and refetches). */
const MAX_BUFFERED = 8 * 1024 * 1024;

/** Fans live events out to every connected, logged-in browser. */
export class LiveHub {
  private readonly sockets = new Set<WebSocket>();

  add(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  get size(): number {
    return this.sockets.size;
  }

  publish(event: LiveEvent): void {
    if (this.sockets.size === 0) return;
    const text = JSON.stringify(event);
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
    for (const socket of this.sockets) socket.close(1001, 'server shutting down');
  }
}
