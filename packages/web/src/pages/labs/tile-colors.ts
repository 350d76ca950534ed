import type { TileState } from './lab-model.js';

/** The Mantine colour of each tile state; the legend, tiles and miniatures all read it from here. */
export const TILE_COLOR: Record<TileState, string> = {
  idle: 'green',
  'in-use': 'blue',
  busy: 'orange',
  alerting: 'red',
  offline: 'gray',
};

export const TILE_LABEL: Record<TileState, string> = {
  idle: 'Online, free',
  'in-use': 'In use',
  busy: 'Busy (high CPU)',
  alerting: 'Alerting (memory or disk full)',
  offline: 'Offline',
};

/**
 * The CSS colour of a state. Offline takes a fixed mid grey: the theme's
 * "filled" grey turns light in the dark theme and would outshine the
 * computers that are on.
 */
export function stateColor(state: TileState): string {
  return state === 'offline'
    ? 'var(--mantine-color-gray-6)'
    : `var(--mantine-color-${TILE_COLOR[state]}-filled)`;
}
