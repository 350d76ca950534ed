/**
 * Version of the wire protocol spoken between agent, relay, backend and browser.
 * Bumped on any incompatible change; peers refuse a version they do not speak.
 */
export const PROTOCOL_VERSION = 1;
