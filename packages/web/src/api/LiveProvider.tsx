import type { ComputerList, LiveEvent } from '@labmgr/protocol';
import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { LiveConnection, type LiveState } from './live.js';
import { applyLiveEvents } from './live-cache.js';
import { queryKeys, resyncComputers } from './queries.js';

type Listener = (events: readonly LiveEvent[]) => void;

interface LiveContextValue {
  connection: LiveConnection;
  listeners: Set<Listener>;
}

const LiveContext = createContext<LiveContextValue | null>(null);

/**
 * Keeps one live connection open while signed in and folds its events into
 * the query cache. On every (re)connect the computer list is fetched once;
 * after that only events touch it.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [value] = useState<LiveContextValue>(() => {
    const listeners = new Set<Listener>();
    const connection = new LiveConnection({
      onEvents: (events) => {
        queryClient.setQueryData<ComputerList>(queryKeys.computers, (list) => applyLiveEvents(list, events));
        for (const listener of listeners) listener(events);
      },
      onOpen: () => resyncComputers(queryClient),
      onRefused: () => void queryClient.invalidateQueries({ queryKey: queryKeys.me }),
    });
    return { connection, listeners };
  });

  useEffect(() => {
    value.connection.start();
    return () => value.connection.stop();
  }, [value]);

  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/**
 * Calls `handler` with every batch of live events while the calling component
 * is mounted (e.g. a job page folding `command.output` into its view). The
 * latest handler is used, so it need not be memoised.
 */
export function useLiveEvents(handler: (events: readonly LiveEvent[]) => void): void {
  const context = useContext(LiveContext);
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!context) return;
    const listener: Listener = (events) => latest.current(events);
    context.listeners.add(listener);
    return () => {
      context.listeners.delete(listener);
    };
  }, [context]);
}

const stopped: LiveState = { kind: 'stopped' };
const noop = () => () => {};

/** The live connection's state; `stopped` outside a {@link LiveProvider}. */
export function useLiveState(): LiveState {
  const connection = useContext(LiveContext)?.connection;
  return useSyncExternalStore(connection?.subscribe ?? noop, connection?.getState ?? (() => stopped));
}
