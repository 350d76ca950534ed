import type { ComputerSummary, Lab, Seat } from '@labmgr/protocol';
import { IconPlus } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { DelegatedTooltip } from '../../components/DelegatedTooltip.js';
import { type RoomLayout, seatKey, seatLabel } from './lab-model.js';
import classes from './Room.module.css';
import { SeatTile, type TileHandlers } from './SeatTile.js';
import type { SeatDrag } from './use-seat-drag.js';

export interface SeatGridProps {
  lab: Pick<Lab, 'id' | 'rows' | 'cols'>;
  layout: RoomLayout;
  selected: ReadonlySet<string>;
  selectionMode: boolean;
  canSelect: boolean;
  canMove: boolean;
  handlers: TileHandlers;
  drag: SeatDrag;
  /** An administrator picks a computer for an empty seat (the keyboard way to fill one). */
  onFillSeat: (seat: Seat) => void;
}

/** Tiles share the width; below this they scroll sideways rather than squeeze their figures unreadable. */
function tileMinWidth(cols: number): number {
  return cols <= 8 ? 104 : 92;
}

/**
 * The room as its seat plan: the front on top, rows numbered down the side,
 * seats along the top; each seat holds its computer's tile or an empty place.
 * Every seat is a drop zone while an administrator drags a computer.
 */
export function SeatGrid({
  lab,
  layout,
  selected,
  selectionMode,
  canSelect,
  canMove,
  handlers,
  drag,
  onFillSeat,
}: SeatGridProps) {
  const cells: ReactNode[] = [<span key="corner" aria-hidden="true" />];
  for (let col = 1; col <= lab.cols; col++) {
    cells.push(
      <span key={`c${col}`} className={classes.axis} aria-hidden="true">
        {col}
      </span>,
    );
  }
  for (let row = 1; row <= lab.rows; row++) {
    cells.push(
      <span key={`r${row}`} className={`${classes.axis} ${classes.rowAxis}`} aria-hidden="true">
        {row}
      </span>,
    );
    for (let col = 1; col <= lab.cols; col++) {
      const seat: Seat = { row, col };
      const key = seatKey(seat);
      const computer: ComputerSummary | undefined = layout.seats.get(key);
      const zone = canMove ? drag.dropZone(key, { kind: 'seat', seat }) : undefined;
      const over = drag.overKey === key && drag.draggingId !== null && drag.draggingId !== computer?.id;
      cells.push(
        <div
          key={key}
          className={classes.cell}
          data-seat={key}
          data-over={over || undefined}
          data-swap={(over && computer !== undefined) || undefined}
          {...zone}
        >
          {computer ? (
            <SeatTile
              computer={computer}
              selected={selected.has(computer.id)}
              selectionMode={selectionMode}
              canSelect={canSelect}
              canMove={canMove}
              dragging={drag.draggingId === computer.id}
              handlers={handlers}
            />
          ) : canMove ? (
            <button
              type="button"
              className={classes.empty}
              data-testid="empty-seat"
              onClick={() => onFillSeat(seat)}
              aria-label={`${seatLabel(seat)}: empty. Seat a computer here`}
            >
              <IconPlus size={16} stroke={1.6} aria-hidden="true" className={classes.emptyPlus} />
              <span className={classes.emptyLabel}>Empty</span>
            </button>
          ) : (
            <div
              className={classes.empty}
              data-testid="empty-seat"
              role="img"
              aria-label={`${seatLabel(seat)}: empty`}
            >
              <span className={classes.emptyLabel}>Empty</span>
            </div>
          )}
        </div>,
      );
    }
  }

  return (
    <DelegatedTooltip>
      <div className={classes.gridScroll}>
        <div
          className={classes.grid}
          style={{ '--cols': lab.cols, '--tile-min': `${tileMinWidth(lab.cols)}px` }}
          data-testid="seat-grid"
          data-dragging={drag.draggingId !== null || undefined}
        >
          <div className={classes.front}>
            <span>Front of the room</span>
          </div>
          {cells}
        </div>
      </div>
    </DelegatedTooltip>
  );
}
