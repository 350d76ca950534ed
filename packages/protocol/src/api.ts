import { z } from 'zod';
import { ComputerId, Hostname, IsoDateTime, NonNeg } from './common.js';
import { Inventory } from './inventory.js';
import { LabId, Seat, Tag } from './labs.js';
import { MetricSample } from './metrics.js';

/** Every error response of the HTTP API. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const HealthResponse = z.object({
  status: z.literal('ok'),
  version: z.string(),
  protocolVersion: z.number().int(),
  database: z.enum(['sqlite', 'postgres']),
  uptimeSec: NonNeg,
});
export type HealthResponse = z.infer<typeof HealthResponse>;

// ---- auth -------------------------------------------------------------------

export const Role = z.enum(['admin', 'operator', 'viewer']);
export type Role = z.infer<typeof Role>;

export const LoginRequest = z.object({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const User = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  role: Role,
  lastLoginAt: IsoDateTime.nullable(),
});
export type User = z.infer<typeof User>;

export const LoginResponse = z.object({ user: User });
export type LoginResponse = z.infer<typeof LoginResponse>;

// ---- computers --------------------------------------------------------------

export const ComputerStatus = z.enum(['online', 'offline']);
export type ComputerStatus = z.infer<typeof ComputerStatus>;

/** The latest sample reduced to the figures a fleet view shows. */
export const LatestMetrics = z.object({
  at: IsoDateTime,
  cpuPercent: z.number(),
  memUsedBytes: NonNeg,
  memTotalBytes: NonNeg,
  /** Sum over the computer's filesystems. */
  diskUsedBytes: NonNeg,
  diskTotalBytes: NonNeg,
  load1: NonNeg,
  netRxBytesPerSec: NonNeg,
  netTxBytesPerSec: NonNeg,
  uptimeSec: NonNeg,
});
export type LatestMetrics = z.infer<typeof LatestMetrics>;

export const ComputerSummary = z.object({
  id: ComputerId,
  /** As the agent reports it. */
  hostname: Hostname,
  /** The name an administrator gave it, shown instead of the hostname; null: none. */
  displayName: z.string().nullable(),
  status: ComputerStatus,
  lastSeenAt: IsoDateTime.nullable(),
  /** e.g. "Debian GNU/Linux 12", from the inventory. */
  osName: z.string().nullable(),
  agentVersion: z.string().nullable(),
  /** Users logged in right now, from the inventory. */
  loggedInUsers: z.array(z.string()),
  metrics: LatestMetrics.nullable(),
  labId: LabId.nullable(),
  seat: Seat.nullable(),
  tags: z.array(Tag),
  /**
   * Samples lost: the agent's buffer was full (the server out of reach for
   * long) and evicted them before the server stored them. Each loss counted
   * once, as the agent reports it; the series has a gap there.
   */
  samplesLost: z.number().int().nonnegative(),
  /** Time of the sample that reported the latest loss (agent clock); null: never. */
  lastLossAt: IsoDateTime.nullable(),
});
export type ComputerSummary = z.infer<typeof ComputerSummary>;

export const ComputerDetail = ComputerSummary.extend({
  createdAt: IsoDateTime,
  notes: z.string().nullable(),
  inventory: Inventory.nullable(),
  inventoryUpdatedAt: IsoDateTime.nullable(),
  /**
   * The latest full sample (per core, disks, interfaces, filesystems, top
   * processes) while someone watches the computer live (`POST …/live-mode`) and
   * for 10 minutes after; null otherwise. History keeps the charted figures only.
   */
  latestSample: MetricSample.nullable(),
});
export type ComputerDetail = z.infer<typeof ComputerDetail>;

export const ComputerListQuery = z.object({
  status: ComputerStatus.optional(),
  /** Case-insensitive substring of the hostname or display name. */
  q: z.string().max(253).optional(),
  /** Computers of this lab; `none` for those in no lab. */
  labId: z.union([LabId, z.literal('none')]).optional(),
  /** Computers carrying this tag. */
  tag: Tag.optional(),
  /** `true`: only computers that lost samples (`samplesLost` > 0); `false`: only those that lost none. */
  lossy: z.stringbool().optional(),
  /** `name` sorts by display name, else hostname; ties by hostname. */
  sort: z.enum(['name', 'hostname', 'status', 'lastSeenAt', 'createdAt']).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ComputerListQuery = z.infer<typeof ComputerListQuery>;

export const ComputerList = z.object({
  items: z.array(ComputerSummary),
  total: z.number().int().nonnegative(),
});
export type ComputerList = z.infer<typeof ComputerList>;

export const ComputerIdParams = z.object({ id: ComputerId });

/** Raw samples, 1-minute or 1-hour buckets. */
export const MetricResolution = z.enum(['raw', '1m', '1h']);
export type MetricResolution = z.infer<typeof MetricResolution>;

export const MetricsQuery = z.object({
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  /**
   * `auto` (the default) picks from the range: up to 2 h raw, up to 7 d
   * 1-minute buckets, longer 1-hour buckets (coarser when the finer data has
   * passed its retention).
   */
  resolution: z.enum(['raw', '1m', '1h', 'auto']).optional(),
});
export type MetricsQuery = z.infer<typeof MetricsQuery>;

/** The charted figures of a bucket's lowest or highest values. */
export const MetricRange = z.object({
  cpuPercent: z.number(),
  memUsedBytes: NonNeg,
  diskUsedBytes: NonNeg,
  load1: NonNeg,
  netRxBytesPerSec: NonNeg,
  netTxBytesPerSec: NonNeg,
});
export type MetricRange = z.infer<typeof MetricRange>;

/**
 * One point of a series. Raw: one stored sample with its sequence number.
 * Rolled up (`1m`, `1h`): `at` is the bucket's start, `seq` the highest
 * sequence number folded, the figures are the bucket's averages (totals its
 * highest), `min`/`max` its extremes and `samples` how many raw samples it folds.
 */
export const MetricPoint = LatestMetrics.omit({ uptimeSec: true }).extend({
  seq: z.number().int(),
  samples: z.number().int().optional(),
  min: MetricRange.optional(),
  max: MetricRange.optional(),
});
export type MetricPoint = z.infer<typeof MetricPoint>;

export const MetricSeries = z.object({
  computerId: ComputerId,
  from: IsoDateTime,
  to: IsoDateTime,
  resolution: MetricResolution,
  points: z.array(MetricPoint),
});
export type MetricSeries = z.infer<typeof MetricSeries>;

// ---- enrollment -------------------------------------------------------------

export const EnrollmentTokenCreate = z.object({
  expiresInSec: z
    .number()
    .int()
    .min(60)
    .max(365 * 86_400)
    .default(86_400),
  uses: z.number().int().min(1).max(100_000).default(1),
  labId: z.string().max(64).nullable().default(null),
});
export type EnrollmentTokenCreate = z.infer<typeof EnrollmentTokenCreate>;

export const EnrollmentTokenCreated = z.object({
  id: z.string(),
  /** Shown once; only its hash is stored. */
  token: z.string(),
  expiresAt: IsoDateTime,
  usesLeft: z.number().int(),
});
export type EnrollmentTokenCreated = z.infer<typeof EnrollmentTokenCreated>;

/** `GET /api/v1/agent-package`: what a lab computer downloads to run the agent. */
export const AgentPackageManifest = z
  .object({
    version: z.string().describe('The agent version (its package.json)'),
    installScript: z.string().describe('Path of the Linux/macOS installer on this server'),
    files: z.array(
      z.object({
        path: z.string().describe('Where the file goes, relative to the install directory'),
        url: z.string().describe('Path of the file on this server'),
        size: z.number().int().nonnegative(),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
      }),
    ),
  })
  .describe('The agent package a lab computer downloads');
export type AgentPackageManifest = z.infer<typeof AgentPackageManifest>;

/** An enrollment token as administrators list it (never the secret). */
export const EnrollmentToken = z.object({
  id: z.string(),
  createdAt: IsoDateTime,
  /** Id of the admin who made it; null when made with `labmgr-server enrollment-token create`. */
  createdBy: z.string().nullable(),
  expiresAt: IsoDateTime,
  usesLeft: z.number().int(),
  labId: LabId.nullable(),
  revokedAt: IsoDateTime.nullable(),
  /** `active`: it can still enroll a computer. */
  state: z.enum(['active', 'expired', 'used-up', 'revoked']),
});
export type EnrollmentToken = z.infer<typeof EnrollmentToken>;

export const EnrollmentTokenList = z.object({
  items: z.array(EnrollmentToken),
  total: z.number().int().nonnegative(),
});
export type EnrollmentTokenList = z.infer<typeof EnrollmentTokenList>;

export const EnrollmentTokenListQuery = z.object({
  /** Only the tokens that can still enroll a computer. */
  active: z.stringbool().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type EnrollmentTokenListQuery = z.infer<typeof EnrollmentTokenListQuery>;

export const EnrollmentTokenIdParams = z.object({ id: z.string().min(1).max(64) });

/** `POST /api/v1/agents/enroll`: an agent trades a one-time token for its own credential. */
export const EnrollRequest = z.object({
  token: z.string().min(1).max(512),
  hostname: Hostname,
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const EnrollResponse = z.object({
  computerId: ComputerId,
  /** The agent's secret; stored only hashed on the server. */
  credential: z.string(),
  /** Where the agent connects, e.g. `ws://127.0.0.1:8081/agent`. */
  relayUrl: z.string(),
  /** SHA-256 fingerprint of the server certificate to pin; null on plain HTTP. */
  serverCertFingerprint: z.string().nullable(),
  /** Ed25519 public key (PEM) that signs commands; null until command signing exists. */
  commandPublicKey: z.string().nullable(),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

/** `GET /api/v1/auth/me`: who the session or token belongs to. */
export const MeResponse = LoginResponse;
export type MeResponse = z.infer<typeof MeResponse>;
