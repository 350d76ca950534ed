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
  const schedule = () => {
    timer = setTimeout(() => {
      busy = true;
      running = task()
        .catch(onError)
        .finally(() => {
          busy = false;
          if (!stopped) schedule();
        });
    }, intervalMs());
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
      schedule();
    },
  };
}
