import {
  type IngestBatch,
  type IngestResult,
  type Inventory,
  type LiveEvent,
  type MetricSample,
  type PresenceBody,
  summarizeSample,
} from '@labmgr/protocol';
import type { CommandProgress } from '../commands/command.service.js';
import { loggedInUserNames, toSummary } from '../computers/computer.presenter.js';
import type { ComputerRepository } from '../computers/computer.repository.js';
import type { RelayRow } from '../relays/relay.repository.js';
import type { IngestRepository, InventoryUpdate, SampleRow } from './ingest.repository.js';

interface Deps {
  computers: ComputerRepository;
  store: IngestRepository;
  publish: (event: LiveEvent) => void;
  /** Told, after each commit, the oldest sample time stored per computer (the rollup job re-folds late data). */
  onStored?: (oldestAtByComputer: ReadonlyMap<string, number>) => void;
  /** Keeps the full sample of watched computers; returns the sample to push live (lists filled in), or null. */
  offerSample?: (computerId: string, sample: MetricSample) => MetricSample | null;
  /** Given the batch's command progress frames, in order, after the samples are stored. */
  onCommandProgress?: (items: { computerId: string; frame: CommandProgress }[]) => Promise<void>;
}

export function osName(inv: Inventory): string {
  return inv.os.version && !inv.os.name.includes(inv.os.version)
    ? `${inv.os.name} ${inv.os.version}`
    : inv.os.name;
}

/** Turns relay batches and presence reports into stored state and live events. */
export class IngestService {
  constructor(private readonly deps: Deps) {}

  /**
   * Stores a batch in one transaction and returns, per computer, the highest
   * sequence number now stored. Items for unknown or retired computers are
   * skipped (and not acked) so a stale relay cannot write into the fleet.
   */
  async ingest(relay: RelayRow, batch: IngestBatch): Promise<IngestResult> {
    const { store, publish } = this.deps;
    const ids = [...new Set(batch.items.map((i) => i.computerId))];
    // Only id and status: whole rows are read below for the few that need a full live event.
    const known = new Map((await store.findIngestTargets(ids)).map((c) => [c.id, c.status]));

    const samples: SampleRow[] = [];
    const acks = new Map<string, number>();
    const oldest = new Map<string, number>();
    const latest = new Map<
      string,
      { seq: number; at: number; metrics: ReturnType<typeof summarizeSample> }
    >();
    const inventories = new Map<string, InventoryUpdate>();
    const progress: { computerId: string; frame: CommandProgress }[] = [];
    const watchedSamples: LiveEvent[] = [];

    for (const item of batch.items) {
      if (!known.has(item.computerId)) continue;
      const frame = item.frame;
      if (frame.type === 'inventory') {
        const inv = frame.inventory;
        inventories.set(item.computerId, {
          computerId: item.computerId,
          inventory: JSON.stringify(inv),
          loggedInUsers: JSON.stringify(loggedInUserNames(inv)),
          at: item.receivedAt,
          hostname: inv.hostname,
          osName: osName(inv),
          agentVersion: inv.agentVersion,
        });
        continue;
      }
      if (frame.type !== 'metrics') {
        progress.push({ computerId: item.computerId, frame });
        continue;
      }
      const s = frame.sample;
      const live = this.deps.offerSample?.(item.computerId, s);
      if (live) watchedSamples.push({ type: 'computer.sample', computerId: item.computerId, sample: live });
      const summary = summarizeSample(s);
      samples.push({
        computerId: item.computerId,
        seq: frame.seq,
        at: s.at,
        cpuPercent: s.cpu.percent,
        memUsed: s.memory.usedBytes,
        memTotal: s.memory.totalBytes,
        diskUsed: summary.diskUsedBytes,
        diskTotal: summary.diskTotalBytes,
        load1: s.load[0],
        netRx: summary.netRxBytesPerSec,
        netTx: summary.netTxBytesPerSec,
        dropped: frame.dropped,
      });
      acks.set(item.computerId, Math.max(acks.get(item.computerId) ?? 0, frame.seq));
      oldest.set(item.computerId, Math.min(oldest.get(item.computerId) ?? s.at, s.at));
      const prev = latest.get(item.computerId);
      if (!prev || frame.seq > prev.seq)
        latest.set(item.computerId, { seq: frame.seq, at: s.at, metrics: summary });
    }

    const now = Date.now();
    const { losses, latest: replaced } = await store.write({
      samples,
      inventories: [...inventories.values()],
      latest: [...latest].map(([computerId, l]) => ({
        computerId,
        seq: l.seq,
        metrics: JSON.stringify(l.metrics),
      })),
      relayId: relay.id,
      now,
    });
    if (oldest.size > 0) this.deps.onStored?.(oldest);
    await this.deps.onCommandProgress?.(progress);
    for (const event of watchedSamples) publish(event);

    // A new inventory, or a computer back online, goes out as its whole summary, read after
    // the write so it holds what this batch stored; the other computers' live event is
    // their latest figures alone. Figures older than those stored (this batch was stored
    // after a newer one) replaced nothing and go nowhere.
    const upserts = new Set([...inventories.keys()].filter((id) => known.has(id)));
    for (const id of replaced) if (known.get(id) !== 'online') upserts.add(id);
    // A newly recorded loss changes the summary's `samplesLost`.
    for (const id of losses.keys()) upserts.add(id);
    for (const row of await store.findComputers([...upserts])) {
      publish({ type: 'computer.upsert', computer: toSummary(row) });
    }
    for (const [computerId, l] of latest) {
      if (replaced.has(computerId) && !upserts.has(computerId))
        publish({ type: 'computer.metrics', computerId, metrics: l.metrics });
    }
    return { acks: [...acks].map(([computerId, seq]) => ({ computerId, seq })) };
  }

  /** Applies connect/disconnect reports from a relay, in order. */
  async presence(relay: RelayRow, body: PresenceBody): Promise<void> {
    const { computers, publish } = this.deps;
    const rows = new Map(
      (await computers.findByIds([...new Set(body.events.map((e) => e.computerId))])).map((r) => [r.id, r]),
    );
    for (const ev of body.events) {
      const row = rows.get(ev.computerId);
      if (!row || row.retired) continue;
      // A disconnect reported by a relay that no longer holds the agent (it moved) must not mark it offline.
      if (ev.state === 'disconnected' && row.relay_id !== null && row.relay_id !== relay.id) continue;
      const patch =
        ev.state === 'connected'
          ? {
              status: 'online' as const,
              last_seen_at: ev.at,
              relay_id: relay.id,
              ...(ev.agentVersion ? { agent_version: ev.agentVersion } : {}),
            }
          : { status: 'offline' as const, last_seen_at: ev.at };
      await computers.update(row.id, patch);
      // Later events in the same body (reconnects) must see this one's effect.
      const updated = { ...row, ...patch };
      rows.set(row.id, updated);
      publish({ type: 'computer.upsert', computer: toSummary(updated) });
    }
  }
}
