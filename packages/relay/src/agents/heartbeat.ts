/** A connection that can be probed: `beat` pings it, or ends it if the last ping went unanswered. */
export interface Beating {
  beat(): void;
}

/**
 * One timer for all connections (ws README, "How to detect and close broken
 * connections"): every `intervalMs` each connection is pinged, and one that
 * has not answered the previous ping is terminated. A dead peer is thus
 * dropped within two intervals. Returns a function that stops the timer.
 */
export function startHeartbeat(connections: () => Iterable<Beating>, intervalMs: number): () => void {
  const timer = setInterval(() => {
    for (const connection of connections()) connection.beat();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
