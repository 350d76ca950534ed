import type { Generated } from 'kysely';

/**
 * Table shapes as Kysely sees them. Timestamps are epoch milliseconds
 * (bigint in PostgreSQL, integer in SQLite), JSON is stored as text, booleans
 * as 0/1, so one set of migrations serves both databases.
 */
export interface UsersTable {
  id: string;
  username: string;
  display_name: string | null;
  role: 'admin' | 'operator' | 'viewer';
  password_hash: string;
  disabled: Generated<number>;
  created_at: number;
  last_login_at: number | null;
}

export interface SessionsTable {
  /** SHA-256 of the cookie value; the cookie itself is never stored. */
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  ip: string | null;
  user_agent: string | null;
}

export interface RelaysTable {
  id: string;
  name: string;
  token_hash: string;
  created_at: number;
  last_seen_at: number | null;
  /** The id the relay announced at registration (`--relay-id`). */
  announced_id: string | null;
  /** Base URL of the relay's control API, from its latest registration. */
  control_url: string | null;
  /** Secret the backend sends to the control API; the relay makes a new one at each start. */
  control_token: string | null;
  version: string | null;
  registered_at: number | null;
  connected_agents: Generated<number>;
  /** Migration 0007: the token no longer works. */
  revoked_at: number | null;
}

export interface EnrollmentTokensTable {
  id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  uses_left: number;
  lab_id: string | null;
  created_by: string | null;
  /** Migration 0007. */
  revoked_at: number | null;
}

export interface ComputersTable {
  id: string;
  hostname: string;
  credential_hash: string;
  status: 'online' | 'offline';
  last_seen_at: number | null;
  relay_id: string | null;
  agent_version: string | null;
  os_name: string | null;
  inventory_updated_at: number | null;
  /** Migration 0006: distinct user names of the inventory's sessions (JSON array); the inventory is in `computer_inventories`. */
  logged_in_users: Generated<string>;
  /** Migration 0006: the name an administrator gave it (`hostname` is what the agent reports). */
  display_name: string | null;
  latest_metrics: string | null;
  created_at: number;
  retired: Generated<number>;
  /** Migration 0005: lab and seat (both null when unassigned), tags as a JSON array, notes. */
  lab_id: string | null;
  seat_row: number | null;
  seat_col: number | null;
  tags: Generated<string>;
  notes: string | null;
  /** Migration 0013: samples the agent reported lost (buffer overflow), summed once per stored frame. */
  samples_lost: Generated<number>;
  /** Migration 0013: `at` of the sample that reported the latest loss. */
  last_loss_at: number | null;
  /** Migration 0014: seq of the sample `latest_metrics` was taken from (a batch stored late never replaces it with an older one). */
  latest_seq: number | null;
}

/** The latest inventory of each computer (migration 0006), kept out of the often-updated `computers` row. */
export interface ComputerInventoriesTable {
  computer_id: string;
  inventory: string;
  updated_at: number;
}

/** A room with a seat grid (migration 0005). */
export interface LabsTable {
  id: string;
  name: string;
  /** Lower-cased name: lab names are unique regardless of case. */
  name_key: string;
  building: string | null;
  room: string | null;
  rows: number;
  cols: number;
  created_at: number;
  updated_at: number;
}

export interface MetricSamplesTable {
  computer_id: string;
  seq: number;
  at: number;
  cpu_percent: number;
  mem_used: number;
  mem_total: number;
  disk_used: number;
  disk_total: number;
  load1: number;
  net_rx: number;
  net_tx: number;
}

/** One bucket of `metric_rollups_1m` / `metric_rollups_1h` (migration 0003). */
export interface MetricRollupsTable {
  computer_id: string;
  /** Epoch ms of the bucket's start (a multiple of its width). */
  bucket_start: number;
  /** Raw samples folded into the bucket. */
  samples: number;
  /** The highest sequence number folded. */
  last_seq: number;
  cpu_avg: number;
  cpu_min: number;
  cpu_max: number;
  mem_used_avg: number;
  mem_used_min: number;
  mem_used_max: number;
  disk_used_avg: number;
  disk_used_min: number;
  disk_used_max: number;
  load1_avg: number;
  load1_min: number;
  load1_max: number;
  net_rx_avg: number;
  net_rx_min: number;
  net_rx_max: number;
  net_tx_avg: number;
  net_tx_min: number;
  net_tx_max: number;
  /** Highest in the bucket. */
  mem_total: number;
  disk_total: number;
}

/** Per resolution ('1m', '1h'): every bucket before `done_until` has been folded. */
export interface MetricRollupStateTable {
  resolution: string;
  done_until: number;
}

/** A user's API token (migration 0004); the secret itself is never stored. */
export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 (hex) of the `lmt_…` secret. */
  token_hash: string;
  scope: 'read' | 'write';
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor_type: 'user' | 'relay' | 'agent' | 'system';
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: string | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  relays: RelaysTable;
  enrollment_tokens: EnrollmentTokensTable;
  computers: ComputersTable;
  labs: LabsTable;
  computer_inventories: ComputerInventoriesTable;
  metric_samples: MetricSamplesTable;
  metric_rollups_1m: MetricRollupsTable;
  metric_rollups_1h: MetricRollupsTable;
  metric_rollup_state: MetricRollupStateTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  commands: CommandsTable;
  command_runs: CommandRunsTable;
  scripts: ScriptsTable;
  script_versions: ScriptVersionsTable;
}

/** Migration 0011: a script of the library. */
export interface ScriptsTable {
  id: string;
  name: string;
  /** Lower-case name: unique among scripts not deleted (checked by the service). */
  name_key: string;
  description: string;
  target_os: 'any' | 'linux' | 'macos' | 'windows';
  current_version: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

/** Migration 0011: one version of a script; never changed once written. */
export interface ScriptVersionsTable {
  script_id: string;
  version: number;
  shell: 'sh' | 'bash' | 'powershell' | 'cmd';
  body: string;
  /** JSON array of ScriptParameter. */
  parameters: string;
  created_by: string | null;
  created_at: number;
}

/** Migration 0009: one command (job) as issued. */
export interface CommandsTable {
  id: string;
  kind: 'shell' | 'exec' | 'power' | 'message' | 'wake' | 'script';
  /** JSON: `{ command, shell, argv, runAs }` as given. */
  payload: string;
  /** JSON of the request's `targets`. */
  targets: string;
  timeout_sec: number;
  queue_ttl_sec: number;
  created_by: string | null;
  created_at: number;
  /** When its last run became final. */
  finished_at: number | null;
  rerun_of: string | null;
}

/** Migration 0009: one computer's run of a command; `id` is what the agent signs and reports. */
export interface CommandRunsTable {
  id: string;
  command_id: string;
  computer_id: string;
  computer_name: string;
  status: string;
  exit_code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  output_bytes: number;
  /** Highest output chunk applied (frames re-sent after a retried batch are skipped). */
  output_seq: number;
  truncated: number;
  message: string | null;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
  /** The agent refuses to start it after this. */
  expires_at: number;
  /** A run delivered but still without a result at this time is `lost`. */
  deadline_at: number;
  updated_at: number;
  /** Migration 0010: the computer that carries the run out when not `computer_id` itself (wake-on-LAN). */
  executor_id: string | null;
}
