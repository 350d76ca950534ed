import { isIPv4 } from 'node:net';
import WebSocket from 'ws';
import { PinnedTlsAgent } from '../http/tls-pin.js';

/** Relay frames are small; this bounds what a broken relay can make the agent allocate. */
const MAX_INBOUND_BYTES = 1024 * 1024;

/**
 * A relay URL that is not `wss://` while a certificate is pinned. The agent
 * then makes no connection at all: it would carry the credential in clear,
 * and there would be no certificate to hold to the pin.
 */
export class InsecureRelayUrlError extends Error {
  override readonly name = 'InsecureRelayUrlError';
  constructor(readonly url: string) {
    super(
      `refusing relay URL ${url}: this agent pinned the server's certificate, so it only connects over ` +
        'wss:// (TLS with that pin); re-enroll the agent, or correct relayUrl in state.json to the wss:// URL',
    );
  }
}

/** Whether `url` is a `wss://` URL, however its scheme is spelt (`ws` lower-cases it too). */
export function isWssUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'wss:';
  } catch {
    return false;
  }
}

/**
 * Starts the WebSocket to the relay. The credential goes in the upgrade
 * request, so the relay can refuse before the socket opens. Over `wss://` the
 * TLS connection is made by `PinnedTlsAgent`: with a pin, the certificate
 * must have that fingerprint; without one, it must verify against the system
 * CAs. Either way the upgrade request is only written once it passed.
 * With a pin, anything but `wss://` throws `InsecureRelayUrlError` before a
 * socket exists; without one, plain `ws://` (development) is allowed.
 */
export function openSocket(
  url: string,
  credential: string,
  handshakeTimeoutMs: number,
  pin: string | null,
): WebSocket {
  const secure = isWssUrl(url);
  if (pin !== null && !secure) throw new InsecureRelayUrlError(url);
  return new WebSocket(url, {
    headers: { Authorization: `Bearer ${credential}` },
    ...(secure ? { agent: new PinnedTlsAgent(pin, handshakeTimeoutMs) } : {}),
    handshakeTimeout: handshakeTimeoutMs,
    maxPayload: MAX_INBOUND_BYTES,
    // Frames are small and compressing them would cost CPU on the agent and on
    // a relay serving thousands of agents.
    perMessageDeflate: false,
    ...maskOption(url),
  });
}

/**
 * A client must mask its frames (RFC 6455 §5.3) so that a script in a browser
 * cannot make its bytes appear verbatim to a proxy that might take them for
 * HTTP. Inside TLS, or on loopback, no intermediary sees the bytes, so the key
 * may be zero: `ws` then skips the XOR pass on both ends (the agent's and the
 * relay's, per frame) and the random key. On plain ws:// across a network the
 * agent keeps random keys, since sample text (process names) is partly chosen
 * by local users.
 */
export function maskOption(url: string): Pick<WebSocket.ClientOptions, 'generateMask'> {
  const { protocol, hostname } = new URL(url);
  const loopback =
    hostname === 'localhost' || hostname === '[::1]' || (isIPv4(hostname) && hostname.startsWith('127.'));
  return protocol === 'wss:' || loopback ? { generateMask: (mask) => mask.fill(0) } : {};
}

/** A text frame's content, whichever buffer shape `ws` delivered it in. */
export function rawToText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** Closes with 1001 (going away) and waits for the peer, but never longer than 2 s. */
export function closeSocket(socket: WebSocket, reason: string): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.terminate(), 2000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close(1001, reason);
  });
}
