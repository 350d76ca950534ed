import { handleAck } from './ack.handler.js';
import { handleCancel, handleCommand } from './command.handler.js';
import type { FrameHandler, HandlerContext, RelayFrameOf, RelayFrameType } from './context.js';
import { handleLiveMode } from './live-mode.handler.js';
import { handlePing } from './ping.handler.js';
import { handlePong } from './pong.handler.js';
import { handleWelcome } from './welcome.handler.js';

type HandlerMap = { [K in RelayFrameType]: FrameHandler<K> };

/** One handler per relay frame type; a new frame type in the protocol fails the build here. */
export const relayFrameHandlers = {
  welcome: handleWelcome,
  ack: handleAck,
  ping: handlePing,
  pong: handlePong,
  'live-mode': handleLiveMode,
  command: handleCommand,
  cancel: handleCancel,
} satisfies HandlerMap;

/** Routes an already validated frame to its handler. */
export function dispatchRelayFrame<K extends RelayFrameType>(
  frame: RelayFrameOf<K>,
  ctx: HandlerContext,
  handlers: HandlerMap = relayFrameHandlers,
): void {
  const handler: FrameHandler<K> = handlers[frame.type];
  handler(frame, ctx);
}
