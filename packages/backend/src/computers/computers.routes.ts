import {
  ComputerDetail,
  ComputerIdParams,
  ComputerList,
  ComputerListQuery,
  ComputerUpdate,
  MetricSeries,
  MetricsQuery,
} from '@labmgr/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN, ANY_USER, userActor } from '../auth/access.js';
import type { AppContext } from '../context.js';
import { ApiError, notFound } from '../http/errors.js';
import { chooseResolution } from '../metrics/metric-history.js';
import { toDetail, toMetricPoint, toSummary } from './computer.presenter.js';
import { toRollupPoint } from './metric.presenter.js';

/** Points returned at most per query (a year of 1-hour buckets is 8,760). */
const MAX_POINTS = 20_000;
const DEFAULT_RANGE_MS = 3600_000;

export function computerRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/v1/computers',
      {
        config: { access: ANY_USER },
        schema: { querystring: ComputerListQuery, response: { 200: ComputerList } },
      },
      async (req) => {
        const { rows, total } = await ctx.computers.list(req.query);
        return { items: rows.map(toSummary), total };
      },
    );

    app.get(
      '/api/v1/computers/:id',
      {
        config: { access: ANY_USER },
        schema: { params: ComputerIdParams, response: { 200: ComputerDetail } },
      },
      async (req) => {
        const row = await ctx.computers.findById(req.params.id);
        if (!row || row.retired) throw notFound('computer');
        return toDetail(row, await ctx.computers.findInventory(row.id), ctx.watched.latest(row.id));
      },
    );

    app.patch(
      '/api/v1/computers/:id',
      {
        config: { access: ADMIN },
        schema: { params: ComputerIdParams, body: ComputerUpdate, response: { 200: ComputerDetail } },
      },
      async (req) => {
        const row = await ctx.computerService.update(req.params.id, req.body, userActor(req));
        return toDetail(row, await ctx.computers.findInventory(row.id), ctx.watched.latest(row.id));
      },
    );

    app.get(
      '/api/v1/computers/:id/metrics',
      {
        config: { access: ANY_USER },
        schema: { params: ComputerIdParams, querystring: MetricsQuery, response: { 200: MetricSeries } },
        // Up to 20,000 points built by typed presenters: checking each against the
        // schema again on the way out cost more than the query. The schema documents it.
        serializerCompiler: () => (data) => JSON.stringify(data),
      },
      async (req) => {
        const to = req.query.to ? Date.parse(req.query.to) : Date.now();
        const from = req.query.from ? Date.parse(req.query.from) : to - DEFAULT_RANGE_MS;
        if (from > to) throw new ApiError(400, 'validation_failed', 'querystring.from: must not be after to');
        const row = await ctx.computers.findById(req.params.id);
        if (!row || row.retired) throw notFound('computer');
        const wanted = req.query.resolution ?? 'auto';
        const resolution = wanted === 'auto' ? chooseResolution(from, to, Date.now(), ctx.config) : wanted;
        const series = await ctx.metricHistory.series(resolution, row.id, from, to, MAX_POINTS);
        return {
          computerId: row.id,
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          resolution: series.resolution,
          points:
            series.resolution === 'raw' ? series.rows.map(toMetricPoint) : series.rows.map(toRollupPoint),
        };
      },
    );
  };
}
