/** A periodic task; `stop()` resolves once a run in progress has finished. */
export interface Repeater {
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs`, measured from the end of the previous run,
 * so a slow run (a hung NFS mount, a busy disk) delays the next one instead of
 * piling runs on top of each other. Errors go to `onError`; the loop goes on.
 */
export function repeat(
  intervalMs: number,
  task: () => Promise<void>,
  onError: (err: unknown) => void,
): Repeater {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      running = task()
        .catch(onError)
        .finally(() => {
          if (!stopped) schedule();
        });
    }, intervalMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
