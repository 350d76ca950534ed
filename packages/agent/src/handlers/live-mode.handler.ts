import type { FrameHandler } from './context.js';

/** Faster sampling while someone watches; the schema already bounded interval and ttl. */
export const handleLiveMode: FrameHandler<'live-mode'> = (frame, ctx) => {
  if (ctx.phase !== 'ready') {
    ctx.log.warn('ignoring live-mode received before welcome');
    return;
  }
  ctx.liveMode(frame);
};
