import type { ComputerSummary } from '@labmgr/protocol';
import { ComputerTile } from './ComputerTile.js';
import classes from './FleetTiles.module.css';

/**
 * The fleet as a grid of tiles, the view for a wall screen or a glance over
 * a room. Off-screen tiles skip layout and paint (`content-visibility`), so
 * a thousand live tiles stay cheap without windowing.
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
  return (
    <ul className={classes.grid} aria-label="Computers">
      {computers.map((c) => (
        <ComputerTile key={c.id} computer={c} selected={selected.has(c.id)} onToggle={onToggle} />
      ))}
    </ul>
  );
}
