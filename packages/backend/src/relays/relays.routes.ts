import {
  ComputerIdParams,
  LiveModeRequest,
  LiveModeResponse,
  MessageStatusReport,
  RelayCreate,
  RelayCreated,
  RelayIdParams,
  RelayList,
  RelayRegistered,
  RelayRegistration,
  RevokeRequest,
  RevokeResponse,
} from '@labmgr/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ADMIN, ANY_USER, currentRelay, currentUser, RELAY, userActor } from '../auth/access.js';
import type { AppContext } from '../context.js';
import { ApiError, notFound } from '../http/errors.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** How long a live-mode request may wait at the relay for an agent that is reconnecting. */
const LIVE_MODE_QUEUE_TTL_SEC = 15;

/**
 * Several relays under one backend: relays register (control URL and token)
 * and report what became of queued messages; users switch a computer to live
 * mode through the relay holding it; admins list the relays.
 */
export function relayRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    ctx.relayClient.useLogger(app.log);

    app.post(
      '/api/v1/internal/relays/register',
      { config: { access: RELAY }, schema: { body: RelayRegistration, response: { 200: RelayRegistered } } },
      async (req) => {
        const relay = currentRelay(req);
        const reg = req.body;
        const changed = relay.control_url !== reg.controlUrl || relay.control_token !== reg.controlToken;
        await ctx.relays.register(relay.id, {
          announcedId: reg.relayId,
          controlUrl: reg.controlUrl,
          controlToken: reg.controlToken,
          version: reg.version,
          connectedAgents: reg.connectedAgents,
          at: Date.now(),
        });
        if (changed) {
          req.log.info(
            { relay: relay.name, relayId: reg.relayId, controlUrl: reg.controlUrl, version: reg.version },
            'relay registered',
          );
        }
        return { id: relay.id, name: relay.name };
      },
    );

    app.post(
      '/api/v1/internal/message-status',
      { config: { access: RELAY }, schema: { body: MessageStatusReport, response: { 204: z.null() } } },
      async (req, reply) => {
        const relay = currentRelay(req);
        for (const item of req.body.items) {
          req.log.info({ relay: relay.name, ...item }, 'message status');
          ctx.live.publish({ type: 'message.status', relayId: relay.id, ...item });
        }
        // Commands find their runs by message id; other messages (live mode) match none.
        await ctx.commandService.onMessageStatus(req.body.items);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v1/relays',
      { config: { access: ADMIN }, schema: { response: { 200: RelayList } } },
      async () => {
        const rows = await ctx.relays.listWithOnlineCounts();
        return {
          items: rows.map((r) => ({
            id: r.id,
            name: r.name,
            relayId: r.announced_id,
            controlUrl: r.control_url,
            version: r.version,
            connectedAgents: Number(r.connected_agents),
            onlineComputers: r.online,
            registeredAt: iso(r.registered_at),
            lastSeenAt: iso(r.last_seen_at),
            createdAt: iso(r.created_at) ?? new Date(0).toISOString(),
            revokedAt: iso(r.revoked_at),
          })),
        };
      },
    );

    app.post(
      '/api/v1/relays',
      { config: { access: ADMIN }, schema: { body: RelayCreate, response: { 201: RelayCreated } } },
      async (req, reply) => {
        const user = currentUser(req);
        const { relay, token } = await ctx.relayService.create(req.body.name, {
          type: 'user',
          id: user.id,
          ip: req.ip,
        });
        return reply.status(201).send({ id: relay.id, name: relay.name, token });
      },
    );

    app.delete(
      '/api/v1/relays/:id',
      { config: { access: ADMIN }, schema: { params: RelayIdParams, response: { 204: z.null() } } },
      async (req, reply) => {
        await ctx.relayService.revoke(req.params.id, userActor(req));
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/v1/computers/:id/revoke',
      {
        config: { access: ADMIN },
        schema: {
          params: ComputerIdParams,
          body: RevokeRequest.default({ reason: 'credential revoked by an administrator' }),
          response: { 200: RevokeResponse },
        },
      },
      async (req) => {
        const computer = await ctx.computers.findById(req.params.id);
        if (!computer || computer.retired) throw notFound('computer');
        // The credential dies first: whatever the relay answers, the agent cannot come back.
        // Its seat is freed for the machine that replaces it (the lab stays, for its history).
        await ctx.computers.update(computer.id, {
          retired: 1,
          status: 'offline',
          seat_row: null,
          seat_col: null,
        });
        const freedSeat =
          computer.seat_row !== null && computer.seat_col !== null
            ? { row: computer.seat_row, col: computer.seat_col }
            : null;
        // Every relay, not only the one it was last seen on: one may hold a verdict cached for a
        // connection that never said hello, which would let the agent back in until it expires.
        const { status: disconnect, relays } = await ctx.relayClient.revokeEverywhere(
          computer.id,
          req.body.reason,
        );
        await ctx.audit.record({
          actor_type: 'user',
          actor_id: currentUser(req).id,
          action: 'computer.revoke',
          target_type: 'computer',
          target_id: computer.id,
          ip: req.ip,
          details: { hostname: computer.hostname, reason: req.body.reason, disconnect, relays, freedSeat },
        });
        return { computerId: computer.id, disconnect };
      },
    );

    app.post(
      '/api/v1/computers/:id/live-mode',
      {
        config: { access: ANY_USER },
        schema: {
          params: ComputerIdParams,
          body: LiveModeRequest.default({ intervalMs: 1000, ttlSec: 60 }),
          response: { 200: LiveModeResponse },
        },
      },
      async (req) => {
        const computer = await ctx.computers.findById(req.params.id);
        if (!computer || computer.retired) throw notFound('computer');
        const { intervalMs, ttlSec } = req.body;
        const result = await ctx.relayClient.send({
          computerId: computer.id,
          frame: { type: 'live-mode', intervalMs, ttlSec },
          ttlSec: Math.min(ttlSec, LIVE_MODE_QUEUE_TTL_SEC),
        });
        if (result.status === 'offline')
          throw new ApiError(409, 'offline', 'the computer is not connected to any registered relay');
        if (result.status === 'relay-unreachable')
          throw new ApiError(502, 'relay_unreachable', 'the relay holding this computer did not answer');
        // Its full samples are kept and pushed to browsers for as long as the agent samples fast.
        ctx.watched.watch(computer.id, ttlSec);
        return { computerId: result.computerId, messageId: result.messageId, status: result.status };
      },
    );
  };
}
