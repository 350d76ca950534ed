import type { Kysely } from 'kysely';
import { AuditRepository } from './audit/audit.repository.js';
import { AuthService } from './auth/auth.service.js';
import { SessionRepository } from './auth/session.repository.js';
import { CommandRepository } from './commands/command.repository.js';
import { CommandService } from './commands/command.service.js';
import { ComputerRepository } from './computers/computer.repository.js';
import { ComputerService } from './computers/computer.service.js';
import { MetricRepository } from './computers/metric.repository.js';
import type { ServerConfig } from './config.js';
import type { DatabaseKind } from './db/database.js';
import type { Database } from './db/schema.js';
import { EnrollmentRepository } from './enrollment/enrollment.repository.js';
import { EnrollmentService } from './enrollment/enrollment.service.js';
import { IngestRepository } from './ingest/ingest.repository.js';
import { IngestService } from './ingest/ingest.service.js';
import { CommandSigner } from './keys/command-signing.js';
import { LabRepository } from './labs/lab.repository.js';
import { LabService } from './labs/lab.service.js';
import { LiveHub } from './live/live-hub.js';
import { WatchedSamples } from './live/watched-samples.js';
import { MetricHistory } from './metrics/metric-history.js';
import { RelayRepository } from './relays/relay.repository.js';
import { RelayService } from './relays/relay.service.js';
import { RelayClient } from './relays/relay-client.js';
import { ScriptRepository } from './scripts/script.repository.js';
import { ScriptService } from './scripts/script.service.js';
import type { ServerTls } from './tls/server-tls.js';
import { ApiTokenRepository } from './tokens/api-token.repository.js';
import { ApiTokenService } from './tokens/api-token.service.js';
import { UserRepository } from './users/user.repository.js';
import { UserService } from './users/user.service.js';

/** Every repository and service, wired once; routes receive this. */
export interface AppContext {
  config: ServerConfig;
  db: Kysely<Database>;
  dbKind: DatabaseKind;
  startedAt: number;
  live: LiveHub;
  users: UserRepository;
  userService: UserService;
  sessions: SessionRepository;
  apiTokens: ApiTokenRepository;
  apiTokenService: ApiTokenService;
  computers: ComputerRepository;
  computerService: ComputerService;
  labs: LabRepository;
  labService: LabService;
  metrics: MetricRepository;
  /** Rollups, retention and series reads of metric history. */
  metricHistory: MetricHistory;
  audit: AuditRepository;
  relays: RelayRepository;
  auth: AuthService;
  relayService: RelayService;
  /** Sends frames to agents through the relay holding each (control API). */
  relayClient: RelayClient;
  enrollment: EnrollmentService;
  ingest: IngestService;
  signer: CommandSigner;
  commands: CommandRepository;
  commandService: CommandService;
  scripts: ScriptRepository;
  scriptService: ScriptService;
  /** Latest full samples of the computers someone watches live. */
  watched: WatchedSamples;
  /** The certificate the server and its relays present, when serving HTTPS. */
  tls: ServerTls | null;
}

export function createContext(
  config: ServerConfig,
  db: Kysely<Database>,
  dbKind: DatabaseKind,
  tls: ServerTls | null = null,
): AppContext {
  const live = new LiveHub();
  const watched = new WatchedSamples();
  const publish = live.publish.bind(live);
  const users = new UserRepository(db);
  const computers = new ComputerRepository(db);
  const metrics = new MetricRepository(db);
  const metricHistory = new MetricHistory(metrics, config);
  const audit = new AuditRepository(db);
  const relays = new RelayRepository(db);
  const sessions = new SessionRepository(db);
  const apiTokens = new ApiTokenRepository(db);
  const labs = new LabRepository(db);
  const signer = CommandSigner.loadOrCreate(config.dataDir);
  const relayClient = new RelayClient({
    computers,
    relays,
    ...(tls ? { trustedCert: tls.trustAnchor } : {}),
  });
  const commands = new CommandRepository(db);
  const scripts = new ScriptRepository(db);
  const commandService = new CommandService({
    commands,
    computers,
    users,
    audit,
    relayClient,
    signer,
    scripts,
    publish,
  });
  return {
    config,
    db,
    dbKind,
    startedAt: Date.now(),
    live,
    users,
    userService: new UserService(users, sessions, audit, live),
    sessions,
    apiTokens,
    apiTokenService: new ApiTokenService(apiTokens, audit, live),
    computers,
    computerService: new ComputerService(computers, labs, audit, publish),
    labs,
    labService: new LabService(labs, audit),
    metrics,
    metricHistory,
    audit,
    relays,
    auth: new AuthService({ users, sessions, relays, audit, apiTokens, live }),
    relayService: new RelayService(relays, computers, audit),
    relayClient,
    enrollment: new EnrollmentService({
      db,
      tokens: new EnrollmentRepository(db),
      computers,
      labs,
      audit,
      publish,
      commandPublicKey: signer.publicKeyPem,
      serverCertFingerprint: tls?.fingerprint ?? null,
    }),
    ingest: new IngestService({
      computers,
      store: new IngestRepository(db, dbKind),
      publish,
      onStored: (oldest) => metricHistory.noteStored(oldest),
      onCommandProgress: (items) => commandService.onAgentFrames(items),
      offerSample: (computerId, sample) => watched.offer(computerId, sample),
    }),
    signer,
    commands,
    commandService,
    scripts,
    scriptService: new ScriptService(scripts, audit),
    watched,
    tls,
  };
}
