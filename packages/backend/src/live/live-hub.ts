import { LiveCloseCode, type LiveEvent } from '@labmgr/protocol';
import type { WebSocket } from 'ws';

/** Above this many queued bytes a browser is too slow to keep up and is dropped (it reconnects and refetches). */
const MAX_BUFFERED = 8 * 1024 * 1024;
/** Events published within this window go out together, as one JSON array. */
const DEFAULT_BATCH_MS = 100;
/** A batch this long goes out at once rather than waiting for the window to end. */
const MAX_BATCH_EVENTS = 2000;
/**
 * Ended credentials are remembered this long, for a socket whose upgrade was
 * authenticated just before the end but joins the hub just after it.
 */
const REMEMBER_ENDED_MS = 60_000;

/** Whose credentials a live socket was opened with. */
export interface LiveOwner {
  userId: string;
  /** The session (its stored id), when opened with the session cookie. */
  sessionId: string | null;
  /** The API token's id, when opened with a bearer token. */
  tokenId: string | null;
}

/** What ended: one session, one token, or a user's sessions / everything of a user. */
export type LiveRevocation =
  | { kind: 'session'; sessionId: string }
  | { kind: 'token'; tokenId: string }
  /** Every session of the user but `exceptSessionId` (a password reset keeps API tokens). */
  | { kind: 'user-sessions'; userId: string; exceptSessionId: string | null }
  /** Every socket of the user: disabled, deleted, or a role change. */
  | { kind: 'user'; userId: string };

/** What services call when credentials end, so the live sockets opened with them close too. */
export interface LiveRevoker {
  revoke(what: LiveRevocation, code: LiveCloseCode, reason: string): void;
}

function matches(what: LiveRevocation, owner: LiveOwner): boolean {
  switch (what.kind) {
    case 'session':
      return owner.sessionId === what.sessionId;
    case 'token':
      return owner.tokenId === what.tokenId;
    case 'user-sessions':
      return (
        owner.userId === what.userId && owner.sessionId !== null && owner.sessionId !== what.exceptSessionId
      );
    case 'user':
      return owner.userId === what.userId;
  }
}

/**
 * Fans live events out to every connected, logged-in browser. Events are
 * gathered for up to {@link DEFAULT_BATCH_MS} and sent as one frame: a JSON
 * array when there are several, the bare event when there is one. With a
 * thousand computers reporting every second that is ten frames a second per
 * browser instead of a thousand, for the server's sockets and the browser's
 * message handling alike.
 *
 * Each socket belongs to the session or token it was opened with: when that
 * ends (sign-out, revocation, user disabled, deleted, password reset, role
 * change) the socket is closed at once, before the call that ended it returns,
 * so it receives nothing afterwards.
 */
export class LiveHub implements LiveRevoker {
  private readonly sockets = new Map<WebSocket, LiveOwner>();
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ended: { at: number; what: LiveRevocation; code: LiveCloseCode; reason: string }[] = [];

  constructor(
    private readonly batchMs = DEFAULT_BATCH_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Adds a socket whose credentials were checked at `authenticatedAt`. If they
   * ended since, it is closed at once instead.
   */
  add(socket: WebSocket, owner: LiveOwner, authenticatedAt: number = this.now()): void {
    this.forgetOldEnds();
    const ended = this.ended.find((e) => e.at >= authenticatedAt && matches(e.what, owner));
    if (ended) {
      socket.close(ended.code, ended.reason);
      return;
    }
    this.sockets.set(socket, owner);
    socket.on('close', () => this.sockets.delete(socket));
  }

  get size(): number {
    return this.sockets.size;
  }

  /** The owners of the open sockets (for the periodic re-check of expired sessions and tokens). */
  owners(): LiveOwner[] {
    return [...this.sockets.values()];
  }

  revoke(what: LiveRevocation, code: LiveCloseCode, reason: string): void {
    this.forgetOldEnds();
    this.ended.push({ at: this.now(), what, code, reason });
    for (const [socket, owner] of this.sockets) {
      if (!matches(what, owner)) continue;
      this.sockets.delete(socket);
      socket.close(code, reason);
    }
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
    for (const socket of this.sockets.keys()) {
      if (socket.readyState !== socket.OPEN) continue;
      if (socket.bufferedAmount > MAX_BUFFERED) {
        socket.close(LiveCloseCode.tooSlow, 'too slow to receive live updates; reconnect');
        continue;
      }
      socket.send(text);
    }
  }

  closeAll(): void {
    this.flush();
    for (const socket of this.sockets.keys()) socket.close(LiveCloseCode.goingAway, 'server shutting down');
  }

  private forgetOldEnds(): void {
    const cutoff = this.now() - REMEMBER_ENDED_MS;
    if (this.ended.length > 0 && (this.ended[0]?.at ?? 0) < cutoff) {
      this.ended = this.ended.filter((e) => e.at >= cutoff);
    }
  }
}
