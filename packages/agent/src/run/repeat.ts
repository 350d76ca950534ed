/** A periodic task; `stop()` resolves once a run in progress has finished. */
export interface Repeater {
  stop(): Promise<void>;
  /**
   * Re-plans the pending wait with the current interval, counted from now,
   * so a shorter interval takes effect at once instead of after the old,
   * longer wait. No-op while a run is in progress (the next wait uses it anyway).
   */
  reschedule(): void;
}

/**
 * Runs `task` every `interval` ms (a number, or a function read before each
 * wait), measured from the end of the previous run, so a slow run (a hung
 * NFS mount, a busy disk) delays the next one instead of piling runs on top
 * of each other. Errors go to `onError`; the loop goes on.
 */
export function repeat(
  interval: number | (() => number),
  task: () => Promise<void>,
  onError: (err: unknown) => void,
): Repeater {
  const intervalMs = typeof interval === 'number' ? () => interval : interval;
  let stopped = false;
  let busy = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  /** The delay `timer` was armed with. */
  let timerMs = 0;
  const finished = () => {
    busy = false;
    if (!stopped) schedule();
  };
  const failed = (err: unknown) => {
    try {
      onError(err);
    } finally {
      finished();
    }
  };
  const run = () => {
    busy = true;
    // One `then` rather than `.catch().finally()`: two promises and a few
    // microtask hops fewer per run, in a process whose JavaScript runs interpreted.
    running = task().then(finished, failed);
  };
  const schedule = () => {
    const ms = intervalMs();
    // The same Timeout re-armed (refresh) rather than a new one per run.
    if (timer !== undefined && ms === timerMs) timer.refresh();
    else {
      timer = setTimeout(run, ms);
      timerMs = ms;
    }
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    reschedule() {
      if (stopped || busy) return;
      clearTimeout(timer);
      // A cleared Timeout cannot be re-armed.
      timer = undefined;
      schedule();
    },
  };
}
