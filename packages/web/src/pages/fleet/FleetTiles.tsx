import type { ComputerSummary } from '@labmgr/protocol';
import { useElementSize, useMergedRef } from '@mantine/hooks';
import { useRef } from 'react';
import { ComputerTile } from './ComputerTile.js';
import classes from './FleetTiles.module.css';
import { useRowWindow } from './useRowWindow.js';

/** Tile geometry, matching FleetTiles.module.css (fixed so rows of tiles can be windowed). */
const TILE_MIN_WIDTH = 190;
const TILE_HEIGHT = 128;
const GAP = 10;
/** Up to this many tiles all are rendered; beyond, only the rows near the viewport. */
const WINDOWING_THRESHOLD = 120;

/** How many tiles fit side by side in `width` px. */
export function tileColumns(width: number): number {
  return Math.max(1, Math.floor((width + GAP) / (TILE_MIN_WIDTH + GAP)));
}

/**
 * The fleet as a grid of tiles, the view for a wall screen or a glance over
 * many rooms. Like the table, a big fleet renders only the rows of tiles
 * near the viewport: a thousand live tiles would otherwise re-render and
 * re-lay out on every update.
 */
export function FleetTiles({
  computers,
  selected,
  onToggle,
}: {
  computers: readonly ComputerSummary[];
  selected: ReadonlySet<string>;
  onToggle: (id: string, extend: boolean) => void;
}) {
  const { ref: sizeRef, width } = useElementSize<HTMLUListElement>();
  const listRef = useRef<HTMLUListElement>(null);
  const ref = useMergedRef(sizeRef, listRef);
  const columns = tileColumns(width || TILE_MIN_WIDTH);
  const rows = Math.ceil(computers.length / columns);
  const windowed = computers.length > WINDOWING_THRESHOLD;
  const { start, end } = useRowWindow(listRef, rows, windowed, { rowHeight: TILE_HEIGHT + GAP });
  const visible = windowed ? computers.slice(start * columns, end * columns) : computers;
  const pitch = TILE_HEIGHT + GAP;
  return (
    <ul
      ref={ref}
      className={classes.grid}
      aria-label="Computers"
      style={{
        gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
        paddingTop: windowed ? start * pitch : 0,
        paddingBottom: windowed ? Math.max(0, rows - end) * pitch : 0,
      }}
    >
      {visible.map((c) => (
        <ComputerTile key={c.id} computer={c} selected={selected.has(c.id)} onToggle={onToggle} />
      ))}
    </ul>
  );
}
