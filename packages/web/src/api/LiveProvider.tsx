import type { ComputerList } from '@labmgr/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import { LiveConnection, type LiveState } from './live.js';
import { applyLiveEvents } from './live-cache.js';
import { queryKeys, resyncComputers } from './queries.js';

const LiveContext = createContext<LiveConnection | null>(null);

/**
 * Keeps one live connection open while signed in and folds its events into
 * the query cache. On every (re)connect the computer list is fetched once;
 * after that only events touch it.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [connection] = useState(
    () =>
      new LiveConnection({
        onEvents: (events) =>
          queryClient.setQueryData<ComputerList>(queryKeys.computers, (list) =>
            applyLiveEvents(list, events),
          ),
        onOpen: () => resyncComputers(queryClient),
        onRefused: () => void queryClient.invalidateQueries({ queryKey: queryKeys.me }),
      }),
  );

  useEffect(() => {
    connection.start();
    return () => connection.stop();
  }, [connection]);

  return <LiveContext.Provider value={connection}>{children}</LiveContext.Provider>;
}

const stopped: LiveState = { kind: 'stopped' };
const noop = () => () => {};

/** The live connection's state; `stopped` outside a {@link LiveProvider}. */
export function useLiveState(): LiveState {
  const connection = useContext(LiveContext);
  return useSyncExternalStore(connection?.subscribe ?? noop, connection?.getState ?? (() => stopped));
}
