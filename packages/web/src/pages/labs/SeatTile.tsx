import type { ComputerSummary } from '@labmgr/protocol';
import { ActionIcon, Checkbox, Menu } from '@mantine/core';
import {
  IconArrowsMove,
  IconDots,
  IconExternalLink,
  IconSquareCheck,
  IconUser,
  IconUserOff,
  IconX,
} from '@tabler/icons-react';
import { type DragEvent, type MouseEvent, memo } from 'react';
import { Link } from 'wouter';
import { paths } from '../../app/paths.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { clampPercent, formatPercent, USAGE_COLOR, usageLevel } from '../../format/percent.js';
import { formatUptime } from '../../format/time.js';
import { memoryPercent, seatLabel, shownName, tileState } from './lab-model.js';
import classes from './Room.module.css';
import { stateColor, TILE_LABEL } from './tile-colors.js';

/** What a tile can ask of the room; stable callbacks, so tiles redraw only for their own computer. */
export interface TileHandlers {
  onToggleSelect: (id: string) => void;
  onMoveRequest: (computer: ComputerSummary) => void;
  onUnseat: (computer: ComputerSummary) => void;
  onRemoveFromLab: (computer: ComputerSummary) => void;
  onDragStart: (computer: ComputerSummary, event: DragEvent) => void;
  onDragEnd: () => void;
}

function MiniBar({ label, percent }: { label: string; percent: number | null }) {
  const value = percent === null ? 0 : clampPercent(percent);
  const color = `var(--mantine-color-${USAGE_COLOR[usageLevel(value)]}-filled)`;
  return (
    <div className={classes.bar}>
      <span className={classes.barLabel}>{label}</span>
      <span className={classes.barTrack} aria-hidden="true">
        <span className={classes.barFill} style={{ '--bar-value': value / 100, '--bar-color': color }} />
      </span>
      <span className={classes.barValue}>{percent === null ? '–' : formatPercent(percent, 0)}</span>
    </div>
  );
}

export interface SeatTileProps {
  computer: ComputerSummary;
  selected: boolean;
  /** Clicking a tile selects it instead of opening the computer. */
  selectionMode: boolean;
  canSelect: boolean;
  canMove: boolean;
  /** This tile is being dragged. */
  dragging: boolean;
  handlers: TileHandlers;
}

/**
 * One seated computer: name, who is signed in, CPU and memory, coloured by
 * state. The name link covers the tile (opens the computer page); the menu
 * and checkbox sit above it. Admins drag the tile to another seat.
 */
export const SeatTile = memo(function SeatTile({
  computer,
  selected,
  selectionMode,
  canSelect,
  canMove,
  dragging,
  handlers,
}: SeatTileProps) {
  const state = tileState(computer);
  const online = computer.status === 'online';
  const m = computer.metrics;
  const name = shownName(computer);
  const [user, ...others] = computer.loggedInUsers;

  // Capture phase: the router's link ignores modifier clicks (leaving them to the browser's
  // "open in new tab"), so they must be caught before it.
  const onClickCapture = (event: MouseEvent) => {
    // A modifier click (or any click while selecting) picks the tile, as in a file manager.
    if (canSelect && (selectionMode || event.ctrlKey || event.metaKey || event.shiftKey)) {
      event.preventDefault();
      handlers.onToggleSelect(computer.id);
    }
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: dragging is the pointer's way; the tile menu's "Move to seat…" is the keyboard's
    <div
      className={classes.tile}
      data-state={state}
      data-selected={selected || undefined}
      data-dragging={dragging || undefined}
      data-testid="seat-tile"
      data-computer-id={computer.id}
      data-hostname={computer.hostname}
      style={{ '--tile-color': stateColor(state) }}
      draggable={canMove}
      onDragStart={canMove ? (e) => handlers.onDragStart(computer, e) : undefined}
      onDragEnd={canMove ? handlers.onDragEnd : undefined}
    >
      <div className={classes.tileHead}>
        {canSelect && (selectionMode || selected) && (
          <Checkbox
            size="xs"
            className={classes.above}
            checked={selected}
            onChange={() => handlers.onToggleSelect(computer.id)}
            aria-label={`Select ${name}`}
          />
        )}
        <Link
          href={paths.computer(computer.id)}
          className={classes.tileLink}
          draggable={false}
          onClickCapture={onClickCapture}
          aria-label={`${name}, ${TILE_LABEL[state].toLowerCase()}${computer.seat ? `, ${seatLabel(computer.seat).toLowerCase()}` : ''}`}
          data-tooltip={[
            name === computer.hostname ? null : computer.hostname,
            computer.osName,
            computer.metrics && online ? `up ${formatUptime(computer.metrics.uptimeSec)}` : null,
            computer.loggedInUsers.length > 1 ? computer.loggedInUsers.join(', ') : null,
          ]
            .filter(Boolean)
            .join(' · ')}
        >
          {name}
        </Link>
        {(canSelect || canMove) && (
          <Menu position="bottom-end" withinPortal shadow="md" width={200}>
            <Menu.Target>
              <ActionIcon
                variant="subtle"
                color="gray"
                size="sm"
                className={`${classes.above} ${classes.tileMenu}`}
                aria-label={`Actions for ${name}`}
              >
                <IconDots size={15} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item
                component={Link}
                href={paths.computer(computer.id)}
                leftSection={<IconExternalLink size={15} />}
              >
                Open details
              </Menu.Item>
              {canSelect && (
                <Menu.Item
                  leftSection={<IconSquareCheck size={15} />}
                  onClick={() => handlers.onToggleSelect(computer.id)}
                >
                  {selected ? 'Deselect' : 'Select'}
                </Menu.Item>
              )}
              {canMove && (
                <>
                  <Menu.Divider />
                  <Menu.Item
                    leftSection={<IconArrowsMove size={15} />}
                    onClick={() => handlers.onMoveRequest(computer)}
                  >
                    Move to seat…
                  </Menu.Item>
                  <Menu.Item
                    leftSection={<IconUserOff size={15} />}
                    onClick={() => handlers.onUnseat(computer)}
                  >
                    Take off its seat
                  </Menu.Item>
                  <Menu.Item
                    color="red"
                    leftSection={<IconX size={15} />}
                    onClick={() => handlers.onRemoveFromLab(computer)}
                  >
                    Remove from lab
                  </Menu.Item>
                </>
              )}
            </Menu.Dropdown>
          </Menu>
        )}
      </div>
      <div className={classes.tileUser}>
        {!online ? (
          <span className={classes.dim}>
            Offline
            {computer.lastSeenAt && (
              <>
                {' · '}
                <RelativeTime value={computer.lastSeenAt} />
              </>
            )}
          </span>
        ) : user === undefined ? (
          <span className={classes.dim}>No user</span>
        ) : (
          <>
            <IconUser size={13} stroke={1.8} aria-hidden="true" className={classes.userIcon} />
            <span className={classes.truncate} data-testid="tile-user">
              {user}
            </span>
            {others.length > 0 && <span className={classes.more}>+{others.length}</span>}
          </>
        )}
      </div>
      <div className={classes.bars} data-offline={!online || undefined}>
        <MiniBar label="CPU" percent={m ? m.cpuPercent : null} />
        <MiniBar label="Mem" percent={m ? memoryPercent(computer) : null} />
      </div>
    </div>
  );
});
