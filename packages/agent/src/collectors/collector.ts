import type { Inventory, MetricSample } from '@labmgr/protocol';

/**
 * A platform's source of inventory and live metrics. Implementations keep the
 * previous counters themselves, so rates (CPU %, bytes/s) cover the time
 * between two `sample()` calls.
 */
export interface Collector {
  /** What the computer is; compared as JSON to decide whether to re-send it. */
  inventory(): Promise<Inventory>;
  /** The computer's state now. */
  sample(): Promise<MetricSample>;
}
