import type { Inventory, MetricSample } from '@labmgr/protocol';

/**
 * A platform's source of inventory and live metrics. Implementations keep the
 * previous counters themselves, so rates (CPU %, bytes/s) cover the time
 * between two `sample()` calls.
 */
export interface Collector {
  /** What the computer is; compared as JSON to decide whether to re-send it. */
  inventory(): Promise<Inventory>;
  /**
   * The computer's state now. The top-process lists are included only when
   * they changed since they were last included (a new walk of the processes)
   * or when `withProcessLists` asks for them (live mode starting: the detail
   * page should not wait for the next walk); repeating unchanged lists was
   * ~60 % of every frame's bytes.
   */
  sample(withProcessLists?: boolean): Promise<MetricSample>;
}
