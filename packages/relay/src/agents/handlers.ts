import type { AgentFrame, RelayFrame } from '@labmgr/protocol';
import { CloseCode } from '@labmgr/protocol/compiled';

type FrameType = AgentFrame['type'];
type FrameOf<K extends FrameType> = Extract<AgentFrame, { type: K }>;

/** Facts about a received frame beyond its content. */
export interface FrameMeta {
  /** Epoch ms when the relay received it. */
  receivedAt: number;
  /** Size on the wire (UTF-16 code units, close enough to bytes for batching limits). */
  size: number;
  /** The frame's JSON text as received (it passed the frame's schema). */
  text: string;
}

/** What a frame handler may do with the connection the frame came from. */
export interface FrameTarget {
  send(frame: RelayFrame): void;
  close(code: number, reason: string): void;
  /** Queues the data frame received with `meta` for the backend, as its text. */
  forward(meta: FrameMeta): void;
}

export type FrameHandler<K extends FrameType> = (
  target: FrameTarget,
  frame: FrameOf<K>,
  meta: FrameMeta,
) => void;

/**
 * Handlers for frames after the handshake (the handshake itself is the
 * session's job). The `satisfies` clause makes a new frame type in the
 * protocol fail the build until it is handled here.
 */
export const frameHandlers = {
  hello: (target) => target.close(CloseCode.badFrame, 'hello was already received on this connection'),
  inventory: (target, _frame, meta) => target.forward(meta),
  metrics: (target, _frame, meta) => target.forward(meta),
  // Command progress travels the same ordered path as data, so output never overtakes its result.
  'command-started': (target, _frame, meta) => target.forward(meta),
  'command-output': (target, _frame, meta) => target.forward(meta),
  'command-result': (target, _frame, meta) => target.forward(meta),
  ping: (target, frame) => target.send({ type: 'pong', ts: frame.ts }),
  // The relay sends no application pings (it uses WebSocket pings), so a pong needs no answer.
  pong: () => {},
} satisfies { [K in FrameType]: FrameHandler<K> };

/** Routes one parsed frame to its handler. */
export function dispatchFrame(target: FrameTarget, frame: AgentFrame, meta: FrameMeta): void {
  // TypeScript cannot correlate `frameHandlers[frame.type]` with `frame` across a
  // union; the `satisfies` above is what guarantees each handler gets its own type.
  const handler = frameHandlers[frame.type] as FrameHandler<FrameType>;
  handler(target, frame, meta);
}
