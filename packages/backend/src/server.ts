import type { Server } from 'node:http';
import { limitPendingConnections } from '@labmgr/service-kit';
import type { onRouteHookHandler } from 'fastify';
import pino, { type Logger } from 'pino';
import { buildApp } from './app.js';
import { toSummary } from './computers/computer.presenter.js';
import type { ServerConfig } from './config.js';
import { type AppContext, createContext } from './context.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrator.js';
import { startLiveCredentialCheck } from './live/credential-check.js';
import { MetricJobs } from './metrics/metric-history.js';
import { loadServerTls } from './tls/server-tls.js';
import { bootstrapAdmin } from './users/bootstrap-admin.js';

export interface RunningServer {
  url: string;
  port: number;
  ctx: AppContext;
  close(): Promise<void>;
}

/**
 * Opens the database, migrates it, creates the first admin if needed, and
 * listens. `onAdminPassword` receives a generated admin password once.
 */
export async function startServer(
  config: ServerConfig,
  opts: { logger?: Logger; onAdminPassword?: (password: string) => void; onRoute?: onRouteHookHandler } = {},
): Promise<RunningServer> {
  const logger = opts.logger ?? pino({ level: config.logLevel, base: { svc: 'labmgr-server' } });
  const handle = openDatabase({
    ...config,
    backgroundCheckpoint: true,
    onCheckpointError: (message) => logger.error({ err: message }, 'SQLite WAL checkpoint failed'),
    onPoolError: (err) => logger.warn({ err }, 'a PostgreSQL connection failed; the pool opens another'),
  });
  await migrateToLatest(handle.db);
  const tls = await loadServerTls(config.tls, config.dataDir);
  if (tls?.generated) logger.info({ certFile: tls.certFile }, 'generated a self-signed TLS certificate');
  const ctx = createContext(config, handle.db, handle.kind, tls);
  const admin = await bootstrapAdmin(ctx.users, ctx.audit, config.adminPassword);
  if (admin.created) logger.info('created the first admin, user "admin"');
  if (admin.generatedPassword) opts.onAdminPassword?.(admin.generatedPassword);

  const app = await buildApp(ctx, logger, { onRoute: opts.onRoute });
  // Half-open connections (no complete request yet) are capped; the headers timeout closes them.
  let refusedPending = 0;
  const pendingLimits = { max: config.maxPendingConnections, perAddress: config.maxPendingPerAddress };
  limitPendingConnections(app.server as Server, pendingLimits, (why) => {
    refusedPending += 1;
    // One line per power of two: a flood must not flood the log too.
    if ((refusedPending & (refusedPending - 1)) === 0) {
      logger.warn(
        { refused: refusedPending, why, maxPendingConnections: config.maxPendingConnections },
        'too many connections without a complete request: closing new ones at once',
      );
    }
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    {
      port,
      database: handle.kind,
      location: handle.location,
      tls: tls ? { certFile: tls.certFile, fingerprint: tls.fingerprint } : 'off',
    },
    'labmgr-server listening',
  );

  // Relays report disconnects, but a relay that dies cannot: expire silence too.
  const sweep = setInterval(() => {
    ctx.computers
      .markStaleOffline(Date.now() - config.offlineAfterSec * 1000)
      .then((rows) => {
        for (const row of rows) ctx.live.publish({ type: 'computer.upsert', computer: toSummary(row) });
      })
      .catch((err: unknown) => logger.error({ err }, 'offline sweep failed'));
  }, 5000);
  sweep.unref();
  // Runs whose result can no longer come (expired in a queue, or lost with their agent).
  const commandSweep = setInterval(() => {
    ctx.commandService.sweep().catch((err: unknown) => logger.error({ err }, 'command sweep failed'));
  }, 15_000);
  commandSweep.unref();
  const stopLiveCheck = startLiveCredentialCheck(
    ctx.live,
    (owner) => ctx.auth.stillValid(owner),
    (err) => logger.error({ err }, 'live credential check failed'),
  );
  const metricJobs = new MetricJobs(ctx.metricHistory, (err, job) =>
    logger.error({ err }, `metric ${job} failed`),
  );
  metricJobs.start();

  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    ctx,
    async close() {
      clearInterval(sweep);
      clearInterval(commandSweep);
      stopLiveCheck();
      await metricJobs.stop();
      ctx.live.closeAll();
      await app.close();
      ctx.relayClient.close();
      await handle.checkpointer?.stop();
      await handle.db.destroy();
    },
  };
}
