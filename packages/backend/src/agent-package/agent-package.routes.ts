import { AgentPackageManifest } from '@labmgr/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PUBLIC } from '../auth/access.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import {
  AGENT_FILES,
  AGENT_PACKAGE_PATH,
  type AgentFilePath,
  agentFileUrl,
  installScript,
  readAgentPackage,
} from './agent-package.js';

/** A non-JSON answer, documented with its media type. */
function rawResponse(mediaType: string, description: string) {
  return { description, content: { [mediaType]: { schema: z.string() } } };
}

/**
 * Public, read-only downloads of the agent: useless without an enrollment
 * token, and a lab computer has no credentials before it enrolls. Nothing is
 * cached by clients: a rebuilt agent is served at once.
 */
export function agentPackageRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const dir = () => ctx.config.agentPackageDir;
  return async (app) => {
    app.get(
      AGENT_PACKAGE_PATH,
      {
        config: { access: PUBLIC },
        schema: {
          summary: 'The agent package: version, files with size and SHA-256',
          response: { 200: AgentPackageManifest },
        },
      },
      async (_req, reply) => {
        const pkg = await readAgentPackage(dir());
        reply.header('cache-control', 'no-store');
        return {
          version: pkg.version,
          installScript: `${AGENT_PACKAGE_PATH}/install.sh`,
          files: pkg.files.map((f) => ({
            path: f.path,
            url: agentFileUrl(f.path),
            size: f.body.length,
            sha256: f.sha256,
          })),
        };
      },
    );

    app.get(
      `${AGENT_PACKAGE_PATH}/install.sh`,
      {
        config: { access: PUBLIC },
        schema: {
          summary: 'Linux/macOS installer for this server',
          description:
            'POSIX sh: `curl -fsSL <server>/api/v1/agent-package/install.sh | sudo sh -s -- --token TOKEN ' +
            '[--fingerprint FP]` checks Node.js >= 20, downloads the files into /opt/labmgr-agent verifying their ' +
            'SHA-256, enrolls with the token and installs the service (`--help` lists its options).',
          response: { 200: rawResponse('text/x-shellscript', 'The script') },
        },
      },
      async (req, reply) => {
        const pkg = await readAgentPackage(dir());
        return reply
          .type('text/x-shellscript; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(installScript(serverOrigin(req.protocol, req.host), pkg));
      },
    );

    for (const { path, contentType } of AGENT_FILES) {
      app.get(
        agentFileUrl(path),
        {
          config: { access: PUBLIC },
          schema: {
            summary: `The agent's ${path}`,
            response: { 200: rawResponse(contentType.split(';')[0] ?? contentType, `${path}, as built`) },
          },
        },
        async (_req, reply) => {
          const pkg = await readAgentPackage(dir());
          const file = pkg.files.find((f) => f.path === (path satisfies AgentFilePath));
          if (!file) throw new ApiError(404, 'not_found', `${path} not found`);
          return (
            reply
              .type(contentType)
              .header('cache-control', 'no-store')
              .header('x-content-sha256', file.sha256)
              // The bytes as built: a Buffer goes out unserialized (the schema only documents it).
              .send(file.body as unknown as string)
          );
        },
      );
    }
  };
}

/** This server as the client reached it (behind a proxy: with LABMGR_TRUST_PROXY, as forwarded). */
function serverOrigin(protocol: string, host: string): string {
  try {
    return new URL(`${protocol}://${host}`).origin;
  } catch {
    throw new ApiError(400, 'bad_host', `the Host header "${host}" is not a host name`);
  }
}
