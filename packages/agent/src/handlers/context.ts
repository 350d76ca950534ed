import type { AgentFrame, RelayFrame, WelcomeFrame } from '@labmgr/protocol';
import type { Logger } from 'pino';

/**
 * What a frame handler may do to the connection. Handlers stay thin: they
 * check the frame makes sense now and call one of these.
 */
export interface HandlerContext {
  /** `handshaking` until the relay's `welcome` has been accepted. */
  readonly phase: 'handshaking' | 'ready';
  readonly log: Logger;
  /** The relay accepted this agent: start sending data. */
  accept(frame: WelcomeFrame): void;
  /** The backend stored every sample up to `seq`. */
  acknowledge(seq: number): void;
  send(frame: AgentFrame): void;
}

export type RelayFrameType = RelayFrame['type'];
export type RelayFrameOf<K extends RelayFrameType> = Extract<RelayFrame, { type: K }>;
export type FrameHandler<K extends RelayFrameType> = (frame: RelayFrameOf<K>, ctx: HandlerContext) => void;
