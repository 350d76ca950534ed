import type { ComputerDetail, MetricSample } from '@labmgr/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client.js';
import { computerKeys, requestLiveMode } from '../../api/computer.js';
import { useLiveEvents } from '../../api/LiveProvider.js';
import { LiveBuffer } from './live-buffer.js';

/** The live-mode lease asked for, and how often it is renewed while the page stays open. */
const LEASE_SEC = 45;
const RENEW_MS = 15_000;

export type LiveModeState =
  | { kind: 'starting' }
  | { kind: 'on' }
  | { kind: 'offline' }
  | { kind: 'paused' }
  | { kind: 'error'; message: string };

export interface LiveComputer {
  buffer: LiveBuffer;
  /** Bumped with every sample added, so charts re-read the buffer. */
  version: number;
  latestSample: MetricSample | null;
  mode: LiveModeState;
}

/**
 * Watches one computer live while the page is open: keeps a live-mode lease
 * (the agent samples every second, the backend pushes full samples) renewed
 * while the tab is visible, folds `computer.sample` events into a ring buffer
 * and the computer's `computer.upsert` events into the cached detail. Leaving
 * the page stops the renewals; the lease then runs out on its own, so another
 * browser watching the same computer is not cut short.
 */
export function useLiveComputer(detail: ComputerDetail): LiveComputer {
  const { id } = detail;
  const online = detail.status === 'online';
  const queryClient = useQueryClient();
  const bufferRef = useRef<{ id: string; buffer: LiveBuffer } | null>(null);
  if (bufferRef.current?.id !== id) bufferRef.current = { id, buffer: new LiveBuffer() };
  const buffer = bufferRef.current.buffer;
  const [version, setVersion] = useState(0);
  const [latestSample, setLatestSample] = useState<MetricSample | null>(detail.latestSample);
  const [mode, setMode] = useState<LiveModeState>({ kind: 'starting' });

  // The detail may already hold a recent full sample: chart it at once.
  useEffect(() => {
    if (detail.latestSample && buffer.push(detail.latestSample)) {
      setLatestSample(detail.latestSample);
      setVersion((v) => v + 1);
    }
  }, [buffer, detail.latestSample]);

  useLiveEvents((events) => {
    let added: MetricSample | null = null;
    for (const event of events) {
      if (event.type === 'computer.sample' && event.computerId === id) {
        if (buffer.push(event.sample)) added = event.sample;
      } else if (event.type === 'computer.upsert' && event.computer.id === id) {
        const summary = event.computer;
        queryClient.setQueryData<ComputerDetail>(computerKeys.detail(id), (old) =>
          old ? { ...old, ...summary } : old,
        );
        // An agent that (re)connects sends its inventory: read it again.
        if (summary.status === 'online' && !online) {
          void queryClient.invalidateQueries({ queryKey: computerKeys.detail(id) });
        }
      }
    }
    if (added) {
      setLatestSample(added);
      setVersion((v) => v + 1);
    }
  });

  useEffect(() => {
    if (!online) {
      setMode({ kind: 'offline' });
      return undefined;
    }
    let cancelled = false;
    const renew = async () => {
      if (document.visibilityState !== 'visible') {
        setMode({ kind: 'paused' });
        return;
      }
      try {
        await requestLiveMode(id, LEASE_SEC);
        if (!cancelled) setMode({ kind: 'on' });
      } catch (error) {
        if (cancelled) return;
        if (error instanceof ApiError && error.code === 'offline') setMode({ kind: 'offline' });
        else setMode({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
      }
    };
    setMode({ kind: 'starting' });
    void renew();
    const timer = setInterval(() => void renew(), RENEW_MS);
    const onVisibility = () => {
      if (document.visibilityState === 'visible') void renew();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      cancelled = true;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [id, online]);

  return { buffer, version, latestSample, mode };
}
