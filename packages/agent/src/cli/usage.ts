const PATHS = `  --state-dir DIR   agent state directory (env LABMGR_AGENT_STATE_DIR; default <data dir>/agent)
  --data-dir DIR    data directory (env LABMGR_DATA_DIR; default ./data)
  -h, --help        show this help`;

export const MAIN_USAGE = `Usage: labmgr-agent <command> [options]

Lab Manager agent: reports this computer's inventory and live metrics to a Lab Manager server.

Commands:
  enroll    register this computer with a server using an enrollment token
  run       run the agent in the foreground (as a system service does)
  status    show enrollment and the running agent's connection state

Run "labmgr-agent <command> --help" for a command's options.`;

export const ENROLL_USAGE = `Usage: labmgr-agent enroll --server URL --token TOKEN [options]

Trades a one-time enrollment token for this agent's own credential and stores it
in <state dir>/state.json (readable by the owner only). Prints the computer id.

Options:
  --server URL      the Lab Manager server, e.g. http://127.0.0.1:8080
  --token TOKEN     enrollment token created in the web UI or API
${PATHS}`;

export const RUN_USAGE = `Usage: labmgr-agent run [options]

Runs in the foreground, logging JSON lines to stdout. Stop with SIGINT or SIGTERM.

Options:
  --interval-ms N   sampling interval in ms, at least 250 (env LABMGR_AGENT_INTERVAL_MS; default 5000)
${PATHS}

Environment:
  LABMGR_LOG_LEVEL  fatal, error, warn, info (default), debug, trace or silent`;

export const STATUS_USAGE = `Usage: labmgr-agent status [options]

Shows whether this computer is enrolled and what the running agent last reported.
Exits 0 if enrolled, 2 if not.

Options:
  --json            machine-readable output
${PATHS}`;
