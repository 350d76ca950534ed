import fastifyCookie from '@fastify/cookie';
import fastifyWebsocket from '@fastify/websocket';
import { handshakeServerOptions } from '@labmgr/service-kit';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type onRouteHookHandler,
} from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { agentPackageRoutes } from './agent-package/agent-package.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { RefusalAudit } from './audit/refusal-audit.js';
import { installRefusalAudit } from './audit/refusal-hook.js';
import { installAccessControl } from './auth/access.js';
import { authRoutes } from './auth/auth.routes.js';
import { commandRoutes } from './commands/commands.routes.js';
import { computerRoutes } from './computers/computers.routes.js';
import type { TrustProxy } from './config.js';
import type { AppContext } from './context.js';
import { enrollmentRoutes } from './enrollment/enrollment.routes.js';
import { installErrorHandler } from './http/error-handler.js';
import { healthRoutes } from './http/health.routes.js';
import { registerOpenApi } from './http/openapi.js';
import { registerWeb } from './http/web.js';
import { internalRoutes } from './ingest/internal.routes.js';
import { labRoutes } from './labs/labs.routes.js';
import { liveRoutes } from './live/live.routes.js';
import { relayRoutes } from './relays/relays.routes.js';
import { scriptRoutes } from './scripts/scripts.routes.js';
import { apiTokenRoutes } from './tokens/api-tokens.routes.js';
import { userRoutes } from './users/users.routes.js';

/**
 * Fastify's own hop count fails closed (it trusts nothing), so hops are a
 * function: the socket's peer and the next `hops - 1` forwarded addresses are
 * proxies; the address before them is the client.
 */
function trustProxyOption(trust: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust !== 'number') return trust;
  return (_address, hop) => hop < trust;
}

/**
 * Builds the HTTP app: plugins, access control, every route, the web UI.
 * `onRoute` sees every route as it is registered (tests enumerate them).
 */
export async function buildApp(
  ctx: AppContext,
  logger: FastifyBaseLogger,
  opts: { onRoute?: onRouteHookHandler } = {},
): Promise<FastifyInstance> {
  const serverTimeouts = handshakeServerOptions(ctx.config.headersTimeoutSec * 1000);
  const app = Fastify({
    // The https variant has its own server type; routes and hooks use nothing that differs.
    // Request headers (and the TLS handshake) that take longer than LABMGR_HEADERS_TIMEOUT_SEC are cut off.
    ...((ctx.tls
      ? { https: { key: ctx.tls.key, cert: ctx.tls.cert, ...serverTimeouts } }
      : { http: serverTimeouts }) as object),
    // A request body that never finishes (Node's own default, which Fastify turns off).
    requestTimeout: 300_000,
    loggerInstance: logger,
    // Behind a reverse proxy LABMGR_TRUST_PROXY names it (hops or addresses) so req.ip is the browser's address.
    trustProxy: trustProxyOption(ctx.config.trustProxy),
    // One line per request at 1,000 agents' ingest rate would drown the log.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  installAccessControl(app, ctx.auth);
  const refusals = new RefusalAudit(ctx.audit, (err) =>
    logger.error({ err }, 'could not audit a refused request'),
  );
  refusals.start();
  app.addHook('onClose', () => refusals.stop());
  installRefusalAudit(app, refusals);
  // Before the routes: the OpenAPI document is generated from every route registered after it.
  await registerOpenApi(app);
  app.addHook('onResponse', async (req, reply) => {
    if (reply.statusCode >= 500) req.log.error({ url: req.url, status: reply.statusCode }, 'request failed');
  });

  await app.register(healthRoutes(ctx));
  await app.register(authRoutes(ctx));
  await app.register(computerRoutes(ctx));
  await app.register(enrollmentRoutes(ctx));
  await app.register(internalRoutes(ctx));
  await app.register(liveRoutes(ctx));
  await app.register(relayRoutes(ctx));
  await app.register(userRoutes(ctx));
  await app.register(apiTokenRoutes(ctx));
  await app.register(auditRoutes(ctx));
  await app.register(labRoutes(ctx));
  await app.register(commandRoutes(ctx));
  await app.register(scriptRoutes(ctx));
  await app.register(agentPackageRoutes(ctx));
  const hasWeb = await registerWeb(app, ctx.config.webDir);
  if (!hasWeb) logger.warn({ webDir: ctx.config.webDir }, 'web UI not built; serving the API only');
  return app;
}
