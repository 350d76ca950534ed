import type { CommandResultFrame } from '@labmgr/protocol';
import type { FrameHandler, HandlerContext } from './context.js';

export const COMMANDS_DISABLED_MESSAGE = 'command execution is not enabled on this agent';

/** A signed command: the executor decides everything about it. */
export const handleCommand: FrameHandler<'command'> = (frame, ctx) => {
  const id = frame.command.id;
  if (ctx.phase !== 'ready') {
    // The relay delivers commands only after welcome; anything earlier is a relay bug.
    ctx.log.warn({ commandId: id }, 'ignoring command received before welcome');
    return;
  }
  if (!ctx.commands) {
    refuse(ctx, id);
    return;
  }
  ctx.commands.handle(frame);
};

/** Stop a running command; the executor reports it `cancelled` (or ignores an unknown id). */
export const handleCancel: FrameHandler<'cancel'> = (frame, ctx) => {
  if (ctx.phase !== 'ready') {
    ctx.log.warn({ commandId: frame.commandId }, 'ignoring cancel received before welcome');
    return;
  }
  if (!ctx.commands) {
    refuse(ctx, frame.commandId);
    return;
  }
  ctx.commands.cancel(frame.commandId);
};

/** Without an executor nothing runs here: say so, so the command does not wait for its timeout. */
function refuse(ctx: HandlerContext, commandId: string): void {
  ctx.log.info({ commandId }, 'refusing command: command execution is not enabled');
  const now = Date.now();
  const result: CommandResultFrame = {
    type: 'command-result',
    commandId,
    status: 'refused',
    exitCode: null,
    signal: null,
    startedAt: null,
    finishedAt: now,
    durationMs: 0,
    truncated: false,
    message: COMMANDS_DISABLED_MESSAGE,
  };
  ctx.sendCommandFrame(result);
}
