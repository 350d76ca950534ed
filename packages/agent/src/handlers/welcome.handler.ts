import { PROTOCOL_VERSION } from '@labmgr/protocol/compiled';
import type { FrameHandler } from './context.js';

/** The relay accepted the `hello`; only meaningful once per connection. */
export const handleWelcome: FrameHandler<'welcome'> = (frame, ctx) => {
  if (ctx.phase !== 'handshaking') {
    ctx.log.warn({ relayId: frame.relayId }, 'ignoring a second welcome on the same connection');
    return;
  }
  if (frame.protocolVersion !== PROTOCOL_VERSION) {
    // The relay decides whether it can talk to us (it closes with 4426 if not);
    // the warning explains that close in the agent's own log.
    ctx.log.warn(
      { relayProtocolVersion: frame.protocolVersion, agentProtocolVersion: PROTOCOL_VERSION },
      'relay speaks a different protocol version',
    );
  }
  ctx.accept(frame);
};
