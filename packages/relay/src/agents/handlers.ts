import type { AgentDataFrame, AgentFrame, RelayFrame } from '@labmgr/protocol';
import { CloseCode } from '@labmgr/protocol';

type FrameType = AgentFrame['type'];
type FrameOf<K extends FrameType> = Extract<AgentFrame, { type: K }>;

/** Facts about a received frame beyond its content. */
export interface FrameMeta {
  /** Epoch ms when the relay received it. */
  receivedAt: number;
  /** Size on the wire (UTF-16 code units, close enough to bytes for batching limits). */
  size: number;
}

/** What a frame handler may do with the connection the frame came from. */
export interface FrameTarget {
  send(frame: RelayFrame): void;
  close(code: number, reason: string): void;
  /** Queues a data frame for the backend. */
  forward(frame: AgentDataFrame, meta: FrameMeta): void;
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
  inventory: (target, frame, meta) => target.forward(frame, meta),
  metrics: (target, frame, meta) => target.forward(frame, meta),
  // Command progress travels the same ordered path as data, so output never overtakes its result.
  'command-started': (target, frame, meta) => target.forward(frame, meta),
  'command-output': (target, frame, meta) => target.forward(frame, meta),
  'command-result': (target, frame, meta) => target.forward(frame, meta),
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
