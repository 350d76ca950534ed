import type { FrameHandler } from './context.js';

/**
 * Answer to our own `ping`. Receiving it already reset the silence deadline
 * (any inbound frame does); what is left is the round-trip time for debugging.
 */
export const handlePong: FrameHandler<'pong'> = (frame, ctx) => {
  ctx.log.trace({ rttMs: Date.now() - frame.ts }, 'pong');
};
