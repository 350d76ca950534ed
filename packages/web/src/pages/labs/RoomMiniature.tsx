import type { ComputerSummary, Lab } from '@labmgr/protocol';
import { useId } from 'react';
import { tileState } from './lab-model.js';
import { stateColor } from './tile-colors.js';

/** Gap between seats, as a share of a seat. */
const GAP = 0.22;
/** Height of the "front of the room" bar and the space under it, in seat units. */
const FRONT = 0.35;
const FRONT_GAP = 0.4;

/**
 * A lab's seat plan at a glance: empty seats as faint squares, each seated
 * computer coloured by its state, the front of the room as a bar on top.
 * Empty seats come from one SVG pattern, so a 100 × 100 lab costs a rect per
 * computer, not per seat. Decorative: the card says the figures in words.
 */
export function RoomMiniature({
  lab,
  computers,
  height = 72,
}: {
  lab: Pick<Lab, 'rows' | 'cols'>;
  computers: readonly ComputerSummary[];
  height?: number;
}) {
  const pattern = useId();
  const top = FRONT + FRONT_GAP;
  const width = lab.cols;
  const total = lab.rows + top;
  const size = 1 - GAP;
  return (
    <svg
      viewBox={`${-GAP / 2} ${-GAP / 2} ${width} ${total}`}
      height={height}
      width="100%"
      preserveAspectRatio="xMidYMid meet"
      aria-hidden="true"
      focusable="false"
      style={{ display: 'block' }}
    >
      <defs>
        <pattern id={pattern} x={0} y={top} width={1} height={1} patternUnits="userSpaceOnUse">
          <rect
            width={size}
            height={size}
            rx={0.12}
            style={{ fill: 'var(--mantine-color-default-border)', opacity: 0.7 }}
          />
        </pattern>
      </defs>
      <rect
        x={width * 0.2}
        y={0}
        width={width * 0.6 - GAP}
        height={FRONT}
        rx={FRONT / 2}
        style={{ fill: 'var(--mantine-color-dimmed)', opacity: 0.45 }}
      />
      <rect x={0} y={top} width={width} height={lab.rows} style={{ fill: `url(#${CSS.escape(pattern)})` }} />
      {computers.map((c) => {
        const seat = c.seat;
        if (!seat || seat.row > lab.rows || seat.col > lab.cols) return null;
        return (
          <rect
            key={c.id}
            x={seat.col - 1}
            y={top + seat.row - 1}
            width={size}
            height={size}
            rx={0.12}
            style={{ fill: stateColor(tileState(c)) }}
          />
        );
      })}
    </svg>
  );
}
