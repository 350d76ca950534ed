import type { FrameHandler } from './context.js';

/** The relay's heartbeat: answer at once, echoing its timestamp. */
export const handlePing: FrameHandler<'ping'> = (frame, ctx) => {
  ctx.send({ type: 'pong', ts: frame.ts });
};
