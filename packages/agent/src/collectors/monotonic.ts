/**
 * Milliseconds on a monotonic clock (NTP steps do not move it), like
 * `performance.now()`. Not that global: its first use loads `perf_hooks` and
 * ten internal modules, resident for the agent's whole life.
 */
export function monotonicMs(): number {
  return process.uptime() * 1000;
}
