import { hostname } from 'node:os';
import type { MetricSample } from '@labmgr/protocol';
import { checkInventory, checkMetricSample } from '@labmgr/protocol/compiled';
import { MemorySampleBuffer, type SampleStore } from '../buffer/sample-buffer.js';
import type { SeqAllocator } from '../buffer/seq-allocator.js';
import type { Collector } from '../collectors/collector.js';
import { AgentConnection, type AgentConnectionOptions } from '../connection/agent-connection.js';
import type { ConnectionEvent } from '../connection/connection-state.js';
import type { CommandExecutor, CommandFrameSink } from '../handlers/context.js';
import type { Logger } from '../logging/logger.js';
import type { AgentState } from '../state/agent-state.js';
import { type RunStatus, writeRunStatusSync } from '../state/run-status.js';
import { LiveMode } from './live-mode.js';
import { type Repeater, repeat } from './repeat.js';

export interface AgentRunnerOptions {
  readonly state: AgentState;
  readonly stateDir: string;
  readonly collector: Collector;
  readonly seq: SeqAllocator;
  readonly log: Logger;
  readonly agentVersion: string;
  /** @default 5000 */
  readonly intervalMs: number;
  /** `run` passes the disk journal (`openSampleBuffer`). @default a 10,000-sample in-memory buffer */
  readonly store?: SampleStore;
  /**
   * Builds the command executor from the sink it reports through (frames go
   * out now, or after the next welcome). Without it, commands are refused.
   */
  readonly commands?: (send: CommandFrameSink) => CommandExecutor;
  /** How often the inventory is collected and compared. @default 60000 */
  readonly inventoryCheckMs?: number;
  /** How often `status.json` is rewritten (by the sample due then, else by a timer). @default 5000 */
  readonly statusWriteMs?: number;
  /** Passed through to the connection (tests shorten backoff and heartbeat). */
  readonly connection?: Partial<Pick<AgentConnectionOptions, 'backoff' | 'heartbeat' | 'url'>>;
}

/**
 * The `run` process's loop: sample → number → buffer → send; re-check the
 * inventory every minute; report progress to `status.json`. Samples are
 * validated against the protocol before they get a number, because a frame
 * the relay rejects would sit at the head of the buffer and be re-sent (and
 * rejected) forever.
 */
export class AgentRunner {
  readonly store: SampleStore;
  readonly connection: AgentConnection;
  private readonly startedAt = Date.now();
  private repeaters: Repeater[] = [];
  private lastInventoryJson: string | null = null;
  private lastSeq: number | null = null;
  private readonly liveMode: LiveMode;
  private sampler: Repeater | undefined;
  private wasLive = false;
  /** The next sample carries the top-process lists even if no walk ran (a live-mode frame came). */
  private listsWanted = false;
  /** Monotonic (process.uptime) ms of the last status write. */
  private statusAt = Number.NEGATIVE_INFINITY;
  /** Writes the status when no sample has for a while (sampling slower than statusWriteMs). */
  private statusTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: AgentRunnerOptions) {
    this.store = options.store ?? new MemorySampleBuffer();
    this.liveMode = new LiveMode(options.intervalMs);
    this.connection = new AgentConnection({
      url: options.state.relayUrl,
      credential: options.state.credential,
      serverCertFingerprint: options.state.serverCertFingerprint,
      hostname: hostname().slice(0, 253) || 'localhost',
      agentVersion: options.agentVersion,
      store: this.store,
      inventory: null,
      log: options.log.child({ component: 'connection' }),
      ...options.connection,
    });
    if (options.commands) {
      this.connection.setCommandExecutor(
        options.commands((frame) => this.connection.sendCommandFrame(frame)),
      );
    }
    this.connection.onEvent((event) => this.onConnectionEvent(event));
  }

  async start(): Promise<void> {
    const { log, intervalMs, state } = this.options;
    log.info(
      {
        computerId: state.computerId,
        relayUrl: state.relayUrl,
        intervalMs,
        agentVersion: this.options.agentVersion,
      },
      'agent starting',
    );
    // Inventory first, so the first connection can introduce the computer at once.
    await this.checkInventory().catch((err: unknown) => log.error({ err }, 'inventory collection failed'));
    this.connection.start();
    const onError = (what: string) => (err: unknown) => log.error({ err }, `${what} failed`);
    this.sampler = repeat(
      () => this.nextInterval(),
      () => this.takeSample(),
      onError('sampling'),
    );
    this.repeaters = [
      this.sampler,
      repeat(
        this.options.inventoryCheckMs ?? 60_000,
        () => this.checkInventory(),
        onError('inventory check'),
      ),
    ];
    this.writeStatus();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.statusTimer);
    await Promise.all(this.repeaters.map((r) => r.stop()));
    this.repeaters = [];
    await this.connection.stop();
    this.writeStatus();
    clearTimeout(this.statusTimer);
    this.options.log.info({ unacked: this.store.size }, 'agent stopped');
  }

  /** One sample into the buffer and, if connected, onto the wire. */
  async takeSample(): Promise<void> {
    const withLists = this.listsWanted;
    this.listsWanted = false;
    let sample: MetricSample;
    try {
      sample = await this.options.collector.sample(withLists);
    } catch (err) {
      // Asked again next time; a live-mode frame that came meanwhile has set it anyway.
      if (withLists) this.listsWanted = true;
      throw err;
    }
    const valid = checkMetricSample(sample);
    if (!valid.ok) {
      this.options.log.error({ reason: valid.reason }, 'collector produced an invalid sample');
      return;
    }
    // Synchronously while the reservation covers it (see nextIfReserved).
    const seq = this.options.seq.nextIfReserved() ?? (await this.options.seq.next());
    this.store.push(seq, sample);
    this.lastSeq = seq;
    this.connection.flush();
    // The status rides on the sample's wake-up rather than a timer of its own.
    if (this.statusDue()) this.writeStatus();
  }

  /** Collects the inventory and hands it to the connection if it changed. */
  async checkInventory(): Promise<void> {
    const inventory = await this.options.collector.inventory();
    const valid = checkInventory(inventory);
    if (!valid.ok) {
      this.options.log.error({ reason: valid.reason }, 'collector produced an invalid inventory');
      return;
    }
    const json = JSON.stringify(inventory);
    if (json === this.lastInventoryJson) return;
    if (this.lastInventoryJson !== null) this.options.log.info('inventory changed');
    this.lastInventoryJson = json;
    this.connection.updateInventory(inventory);
  }

  status(): RunStatus {
    const c = this.connection.status();
    return {
      pid: process.pid,
      startedAt: this.startedAt,
      updatedAt: Date.now(),
      state: c.state,
      connected: c.connected,
      relayUrl: this.options.state.relayUrl,
      lastAckSeq: c.lastAckSeq,
      lastAckAt: c.lastAckAt,
      lastSeq: this.lastSeq,
      bufferedSamples: this.store.size,
      bufferedBytes: this.store.bytes,
      droppedSamples: this.store.droppedTotal,
      intervalMs: this.options.intervalMs,
      liveMode: this.liveMode.status(),
      lastError: c.lastError,
    };
  }

  private onConnectionEvent(event: ConnectionEvent): void {
    if (event.type !== 'live-mode') return;
    // Someone watches (or still watches) this computer: its detail page shows the lists, and the
    // backend may have lost the last ones (restarted), so the next sample carries them.
    this.listsWanted = true;
    const changed = this.liveMode.set(event.intervalMs, event.ttlSec);
    if (changed || !this.wasLive) {
      this.options.log.info(
        { intervalMs: event.intervalMs, ttlSec: event.ttlSec },
        'live mode: sampling faster',
      );
    }
    this.wasLive = true;
    // Start the faster pace now rather than after the current, longer wait.
    if (changed) this.sampler?.reschedule();
  }

  /** Read before every wait, so live mode starts and lapses without extra timers. */
  private nextInterval(): number {
    if (this.wasLive && !this.liveMode.active()) {
      this.wasLive = false;
      this.options.log.info(
        { intervalMs: this.options.intervalMs },
        'live mode ended: back to the configured interval',
      );
    }
    return this.liveMode.intervalMs();
  }

  private get statusWriteMs(): number {
    return this.options.statusWriteMs ?? 5000;
  }

  private statusDue(): boolean {
    return process.uptime() * 1000 - this.statusAt >= this.statusWriteMs;
  }

  /**
   * Rewrites `status.json` (synchronously: a few hundred bytes into the page
   * cache) and re-arms the fallback timer, which fires only if no sample
   * writes the status first: a second late, so that at one sample every
   * `statusWriteMs` or faster the timer never wakes the process.
   */
  private writeStatus(): void {
    this.statusAt = process.uptime() * 1000;
    try {
      writeRunStatusSync(this.options.stateDir, this.status());
    } catch (err) {
      this.options.log.error({ err }, 'status write failed');
    }
    if (this.stopped) return;
    if (this.statusTimer) this.statusTimer.refresh();
    else this.statusTimer = setTimeout(() => this.writeStatus(), this.statusWriteMs + 1000);
  }
}
