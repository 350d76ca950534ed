const PATHS = `  --config FILE     JSON config file (env LABMGR_AGENT_CONFIG; default /etc/labmgr/agent.json if it exists)
  --state-dir DIR   agent state directory (env LABMGR_AGENT_STATE_DIR; default <data dir>/agent)
  --data-dir DIR    data directory (env LABMGR_DATA_DIR; default ./data)
  -h, --help        show this help`;

const PRECEDENCE =
  'Each setting comes from its flag, else its environment variable, else the config file, else its default.';

export const MAIN_USAGE = `Usage: labmgr-agent <command> [options]

Lab Manager agent: reports this computer's inventory and live metrics to a Lab Manager server.

Commands:
  enroll              register this computer with a server using an enrollment token
  run                 run the agent in the foreground (as a system service does)
  status              show enrollment and the running agent's connection state
  install-service     install and start the agent as a system service (systemd)
  uninstall-service   stop and remove that service

Run "labmgr-agent <command> --help" for a command's options.`;

export const ENROLL_USAGE = `Usage: labmgr-agent enroll --server URL --token TOKEN [options]

Trades a one-time enrollment token for this agent's own credential and stores it
in <state dir>/state.json (readable by the owner only). Prints the computer id.

Over https the server's certificate must verify against the system CAs, unless
--fingerprint pins it: then only a certificate with that SHA-256 fingerprint is
accepted (for a server with its own, self-signed certificate). The pin is kept
and checked on every connection to the relay.

Options:
  --server URL        the Lab Manager server, e.g. https://labmgr.example.edu:8080
  --token TOKEN       enrollment token created in the web UI or API
  --fingerprint FP    SHA-256 fingerprint of the server's certificate, e.g. as printed by
                      "openssl x509 -noout -fingerprint -sha256" (colons optional)
${PATHS}`;

export const RUN_USAGE = `Usage: labmgr-agent run [options]

Runs in the foreground, logging to stdout. Stop with SIGINT or SIGTERM.
${PRECEDENCE}

Options:
  --interval-ms N          sampling interval, 250-3600000 (env LABMGR_AGENT_INTERVAL_MS; default 5000)
  --buffer-max-samples N   unacked samples kept on disk (env LABMGR_AGENT_BUFFER_MAX_SAMPLES; default 10000)
  --buffer-max-bytes N     their total size, at least 1048576 (env LABMGR_AGENT_BUFFER_MAX_BYTES; default 64 MiB)
  --log-level LEVEL        fatal, error, warn, info, debug, trace or silent (env LABMGR_LOG_LEVEL; default info)
  --log-format FORMAT      json or pretty (env LABMGR_LOG_FORMAT; default json)
${PATHS}`;

export const STATUS_USAGE = `Usage: labmgr-agent status [options]

Shows whether this computer is enrolled and what the running agent last reported:
connection, last ack, buffered and lost samples, interval and live mode.
Exits 0 if enrolled, 2 if not.

Options:
  --json            machine-readable output
${PATHS}`;

const SERVICE_OPTIONS = `  --dry-run         print the service file and the commands instead of running them
  --unit-dir DIR    where the unit goes (default /etc/systemd/system; /Library/LaunchDaemons on macOS)
  --platform OS     linux or darwin: generate for another system (with --dry-run)`;

export const INSTALL_SERVICE_USAGE = `Usage: labmgr-agent install-service [options]

Linux: writes /etc/systemd/system/labmgr-agent.service (restarts the agent 5 s after
any exit, starts after the network is online), then runs "systemctl daemon-reload"
and "systemctl enable --now labmgr-agent.service". Needs root and a running systemd.
The service runs "run --state-dir <this state dir>" (and --config if one was named);
put other settings in the config file.
macOS (untested): --dry-run prints a launchd plist and the launchctl command.
Windows: see the agent README.

Options:
${SERVICE_OPTIONS}
${PATHS}`;

export const UNINSTALL_SERVICE_USAGE = `Usage: labmgr-agent uninstall-service [options]

Linux: "systemctl disable --now labmgr-agent.service", removes the unit file and reloads
systemd. The state directory (enrollment, buffered samples) is kept.

Options:
${SERVICE_OPTIONS}
  -h, --help        show this help`;
