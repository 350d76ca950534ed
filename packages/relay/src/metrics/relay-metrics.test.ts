import { describe, expect, it } from 'vitest';
import { RelayMetrics } from './relay-metrics.js';

function metrics(over: Partial<Parameters<typeof sourcesOf>[0]> = {}) {
  return new RelayMetrics(sourcesOf(over), { defaultMetrics: false });
}

function sourcesOf(over: {
  connectedAgents?: number;
  unauthenticated?: number;
  queuedFrames?: number;
  spoolBytes?: number;
}) {
  return {
    connectedAgents: () => over.connectedAgents ?? 0,
    unauthenticated: () => over.unauthenticated ?? 0,
    queuedFrames: () => over.queuedFrames ?? 0,
    spoolBytes: () => over.spoolBytes ?? 0,
    authCache: () => ({ hits: 4, misses: 1 }),
  };
}

/** `name{labels} value` lines, for exact assertions. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('RelayMetrics', () => {
  it('renders gauges from live sources in Prometheus text format', async () => {
    const m = metrics({ connectedAgents: 7, unauthenticated: 2, queuedFrames: 40, spoolBytes: 4096 });
    const text = await m.render();
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('# TYPE labmgr_relay_connected_agents gauge');
    expect(sample(text, 'labmgr_relay_connected_agents')).toBe(7);
    expect(sample(text, 'labmgr_relay_unauthenticated_connections')).toBe(2);
    expect(sample(text, 'labmgr_relay_queued_frames')).toBe(40);
    expect(sample(text, 'labmgr_relay_spool_bytes')).toBe(4096);
    expect(sample(text, 'labmgr_relay_auth_cache_lookups_total{result="hit"}')).toBe(4);
  });

  it('counts frames by type, rejections by reason and closes by code', async () => {
    const m = metrics();
    for (let i = 0; i < 3; i += 1) m.frameReceived('metrics');
    m.frameReceived('invalid');
    m.frameSent('ack');
    m.rejected('ip_rate_limited');
    m.rejected('ip_rate_limited');
    m.closed(4429);
    m.closed(1001);
    m.closed(4999); // a code a peer made up: no series of its own
    m.throttled();
    const text = await m.render();
    expect(sample(text, 'labmgr_relay_frames_received_total{type="metrics"}')).toBe(3);
    expect(sample(text, 'labmgr_relay_frames_received_total{type="invalid"}')).toBe(1);
    expect(sample(text, 'labmgr_relay_frames_sent_total{type="ack"}')).toBe(1);
    expect(sample(text, 'labmgr_relay_rejected_connections_total{reason="ip_rate_limited"}')).toBe(2);
    // Every reason is exported from the start, so rate() works before the first rejection.
    expect(sample(text, 'labmgr_relay_rejected_connections_total{reason="too_many_unauthenticated"}')).toBe(
      0,
    );
    expect(sample(text, 'labmgr_relay_closed_connections_total{code="4429"}')).toBe(1);
    expect(sample(text, 'labmgr_relay_closed_connections_total{code="1001"}')).toBe(1);
    expect(sample(text, 'labmgr_relay_closed_connections_total{code="other"}')).toBe(1);
    expect(sample(text, 'labmgr_relay_rate_limit_pauses_total')).toBe(1);
    // Scraping twice reports the same totals, not doubled ones.
    expect(sample(await m.render(), 'labmgr_relay_frames_received_total{type="metrics"}')).toBe(3);
  });

  it('counts quarantined spool records by reason and dead-lettered frames, from zero', async () => {
    const m = metrics();
    let text = await m.render();
    expect(sample(text, 'labmgr_relay_spool_quarantined_records_total{reason="checksum"}')).toBe(0);
    expect(sample(text, 'labmgr_relay_dead_letter_frames_total')).toBe(0);
    m.spoolQuarantined('checksum');
    m.spoolQuarantined('torn', 2);
    m.deadLettered(3);
    text = await m.render();
    expect(sample(text, 'labmgr_relay_spool_quarantined_records_total{reason="checksum"}')).toBe(1);
    expect(sample(text, 'labmgr_relay_spool_quarantined_records_total{reason="torn"}')).toBe(2);
    expect(sample(text, 'labmgr_relay_spool_quarantined_records_total{reason="invalid"}')).toBe(0);
    expect(sample(text, 'labmgr_relay_dead_letter_frames_total')).toBe(3);
  });

  it('counts rotations of the dead-letter and quarantine files by file, from zero', async () => {
    const m = metrics();
    let text = await m.render();
    expect(sample(text, 'labmgr_relay_side_file_rotations_total{file="dead-letter"}')).toBe(0);
    expect(sample(text, 'labmgr_relay_side_file_rotations_total{file="quarantine"}')).toBe(0);
    m.sideFileRotated('dead-letter');
    m.sideFileRotated('dead-letter');
    m.sideFileRotated('quarantine');
    text = await m.render();
    expect(sample(text, 'labmgr_relay_side_file_rotations_total{file="dead-letter"}')).toBe(2);
    expect(sample(text, 'labmgr_relay_side_file_rotations_total{file="quarantine"}')).toBe(1);
  });

  it('has histograms of batch sizes and forward latency', async () => {
    const m = metrics();
    m.observeBatch(1);
    m.observeBatch(500);
    m.observeForwardLatency(0.02);
    m.observeForwardLatency(3);
    const text = await m.render();
    expect(sample(text, 'labmgr_relay_ingest_batch_size_bucket{le="1"}')).toBe(1);
    expect(sample(text, 'labmgr_relay_ingest_batch_size_bucket{le="500"}')).toBe(2);
    expect(sample(text, 'labmgr_relay_ingest_batch_size_sum')).toBe(501);
    expect(sample(text, 'labmgr_relay_forward_latency_seconds_bucket{le="0.025"}')).toBe(1);
    expect(sample(text, 'labmgr_relay_forward_latency_seconds_bucket{le="5"}')).toBe(2);
    expect(sample(text, 'labmgr_relay_forward_latency_seconds_count')).toBe(2);
  });

  it('keeps each relay on its own registry, process metrics included', async () => {
    const a = new RelayMetrics(sourcesOf({ connectedAgents: 1 }));
    const b = new RelayMetrics(sourcesOf({ connectedAgents: 2 }));
    a.frameReceived('hello');
    const [ta, tb] = await Promise.all([a.render(), b.render()]);
    expect(sample(ta, 'labmgr_relay_connected_agents')).toBe(1);
    expect(sample(tb, 'labmgr_relay_connected_agents')).toBe(2);
    expect(sample(tb, 'labmgr_relay_frames_received_total{type="hello"}')).toBeUndefined();
    expect(ta).toContain('process_cpu_user_seconds_total');
    expect(tb).toContain('nodejs_eventloop_lag_seconds');
  });
});
