import { useSyncExternalStore } from 'react';

/** How often relative times ("12 s ago") move on. */
const TICK_MS = 5_000;

const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const getNow = () => now;

/**
 * The current time, advancing every few seconds. One shared timer serves
 * every caller, and only the components that call this re-render on a tick.
 */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getNow);
}
