/**
 * Node options with which every launcher starts `labmgr-agent`: the systemd
 * unit and the launchd daemon (`install-service`), the Windows recipe in the
 * README, and the binary's own `#!` line. They size V8's heap, which can only
 * be set when Node starts (the binary cannot change it from inside):
 *
 * - `--max-old-space-size=64` (MiB, ~10x what the agent holds even with a
 *   full 10,000-sample buffer index): below 128 MiB V8 grows the heap
 *   conservatively, so the garbage a long-running agent promotes (~4 KB/s) is
 *   collected after ~2 MiB instead of piling up for ~8 MiB (RSS crept past
 *   50 MiB within 5–10 minutes before); it also lowers RSS at start-up by
 *   ~0.7 MiB.
 * - `--max-semi-space-size=1` (MiB): the young generation never grows
 *   past its initial size.
 *
 * A `node bin/labmgr-agent.js` started by hand runs without them (and
 * works the same, in more memory).
 */
export const AGENT_NODE_OPTIONS: readonly string[] = ['--max-old-space-size=64', '--max-semi-space-size=1'];
