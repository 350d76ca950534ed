import type { FrameHandler } from './context.js';

/** Cumulative acknowledgement of stored samples. */
export const handleAck: FrameHandler<'ack'> = (frame, ctx) => {
  if (ctx.phase !== 'ready') {
    // Nothing has been sent on this socket yet, so an ack cannot be about it.
    ctx.log.warn({ seq: frame.seq }, 'ignoring ack received before welcome');
    return;
  }
  ctx.acknowledge(frame.seq);
};
