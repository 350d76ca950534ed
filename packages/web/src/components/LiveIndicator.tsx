import { Tooltip } from '@mantine/core';
import { useLiveState } from '../api/LiveProvider.js';
import type { LiveState } from '../api/live.js';
import classes from './LiveIndicator.module.css';
import { StatusDot } from './StatusDot.js';

interface LiveView {
  label: string;
  color: string;
  pulse: boolean;
  detail: string;
}

function describe(state: LiveState): LiveView {
  switch (state.kind) {
    case 'open':
      return {
        label: 'Live',
        color: 'var(--mantine-color-green-6)',
        pulse: true,
        detail: 'Connected: figures update as computers report.',
      };
    case 'connecting':
      return {
        label: state.attempt === 0 ? 'Connecting' : 'Reconnecting',
        color: 'var(--mantine-color-yellow-6)',
        pulse: false,
        detail: 'Opening the live connection…',
      };
    case 'waiting':
      return {
        label: 'Reconnecting',
        color: 'var(--mantine-color-orange-6)',
        pulse: false,
        detail: `Live connection lost; retrying (attempt ${state.attempt}). Figures may be out of date.`,
      };
    case 'stopped':
      return {
        label: 'Offline',
        color: 'var(--mantine-color-gray-6)',
        pulse: false,
        detail: 'Live updates are off.',
      };
  }
}

/** Header pill that says whether live updates are flowing; its text is exactly "Live" when connected. */
export function LiveIndicator() {
  const state = useLiveState();
  const view = describe(state);
  return (
    <Tooltip label={view.detail}>
      <span className={classes.pill} data-testid="live-status" data-state={state.kind} role="status">
        <StatusDot color={view.color} pulse={view.pulse} />
        {view.label}
      </span>
    </Tooltip>
  );
}
