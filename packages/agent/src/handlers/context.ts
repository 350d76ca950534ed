import type { AgentFrame, CommandFrame, LiveModeFrame, RelayFrame, WelcomeFrame } from '@labmgr/protocol';
import type { CommandProgressFrame } from '../connection/command-outbox.js';
import type { Logger } from '../logging/logger.js';

/**
 * Runs the commands the relay delivers. The implementation verifies the
 * signature, enforces the local policy and at-most-once, spawns, and reports
 * through the connection's command sink (`command-started`, `-output`,
 * `-result`). `handle` must not throw: every outcome is a result frame.
 */
export interface CommandExecutor {
  handle(frame: CommandFrame): void;
  cancel(commandId: string): void;
}

/** Where a command executor sends its frames: now if connected, else queued for the next connection. */
export type CommandFrameSink = (frame: CommandProgressFrame) => void;

/**
 * What a frame handler may do to the connection. Handlers stay thin: they
 * check the frame makes sense now and call one of these.
 */
export interface HandlerContext {
  /** `handshaking` until the relay's `welcome` has been accepted. */
  readonly phase: 'handshaking' | 'ready';
  readonly log: Logger;
  /** Absent when this agent runs no commands; the handlers then refuse them. */
  readonly commands?: CommandExecutor | undefined;
  /** The relay accepted this agent: start sending data. */
  accept(frame: WelcomeFrame): void;
  /** The backend stored every sample up to `seq`. */
  acknowledge(seq: number): void;
  /** The server wants faster sampling for a while. */
  liveMode(frame: LiveModeFrame): void;
  send(frame: AgentFrame): void;
  /** Command frames survive a reconnect (queued), unlike `send`. */
  sendCommandFrame: CommandFrameSink;
}

export type RelayFrameType = RelayFrame['type'];
export type RelayFrameOf<K extends RelayFrameType> = Extract<RelayFrame, { type: K }>;
export type FrameHandler<K extends RelayFrameType> = (frame: RelayFrameOf<K>, ctx: HandlerContext) => void;
