import type { ComputerSummary } from '@labmgr/protocol';
import { ActionIcon, Badge, Button, Group, Paper, Text, Tooltip } from '@mantine/core';
import { IconArrowsMove, IconPlus, IconX } from '@tabler/icons-react';
import { Link } from 'wouter';
import { paths } from '../../app/paths.js';
import { StatusDot } from '../../components/StatusDot.js';
import { shownName, tileState } from './lab-model.js';
import classes from './Room.module.css';
import { stateColor, TILE_LABEL } from './tile-colors.js';
import type { SeatDrag } from './use-seat-drag.js';

export interface UnseatedPanelProps {
  labName: string;
  unseated: readonly ComputerSummary[];
  /** Computers in no lab, offered for adding. */
  unassignedCount: number;
  canMove: boolean;
  drag: SeatDrag;
  onMoveRequest: (computer: ComputerSummary) => void;
  onRemoveFromLab: (computer: ComputerSummary) => void;
  onAddRequest: () => void;
}

/**
 * This lab's computers that have no seat yet. Administrators drag them onto
 * the plan (or use "Move to seat"), drop a seated one here to take it off its
 * seat, and bring in computers from no lab.
 */
export function UnseatedPanel({
  labName,
  unseated,
  unassignedCount,
  canMove,
  drag,
  onMoveRequest,
  onRemoveFromLab,
  onAddRequest,
}: UnseatedPanelProps) {
  const zone = canMove ? drag.dropZone('unseated', { kind: 'unseated' }) : undefined;
  const over = drag.overKey === 'unseated' && drag.draggingId !== null;
  return (
    <Paper withBorder className={classes.sidePanel} component="section" aria-labelledby="unseated-title">
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text fw={650} size="sm" id="unseated-title">
          Without a seat
        </Text>
        <Badge variant="light" color="gray" size="sm" data-testid="unseated-count">
          {unseated.length}
        </Badge>
      </Group>
      <div className={classes.dropList} data-over={over || undefined} data-testid="unseated-list" {...zone}>
        {unseated.length === 0 ? (
          <Text size="xs" c="dimmed" py="xs">
            {canMove
              ? `Every computer in ${labName} has a seat. Drop one here to take it off its seat.`
              : `Every computer in ${labName} has a seat.`}
          </Text>
        ) : (
          unseated.map((c) => {
            const state = tileState(c);
            const name = shownName(c);
            return (
              // biome-ignore lint/a11y/noStaticElementInteractions: dragging is the pointer's way; the "Move to seat" button is the keyboard's
              <div
                key={c.id}
                className={classes.listItem}
                data-testid="unseated-item"
                data-hostname={c.hostname}
                data-computer-id={c.id}
                data-dragging={drag.draggingId === c.id || undefined}
                draggable={canMove}
                onDragStart={canMove ? (e) => drag.startDrag(c, e) : undefined}
                onDragEnd={canMove ? drag.endDrag : undefined}
              >
                <StatusDot color={stateColor(state)} />
                <div className={classes.listName}>
                  <Link href={paths.computer(c.id)} draggable={false}>
                    {name}
                  </Link>
                  <span>{c.loggedInUsers[0] ?? TILE_LABEL[state]}</span>
                </div>
                {canMove && (
                  <>
                    <Tooltip label="Move to seat…">
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        size="md"
                        aria-label={`Move ${name} to a seat`}
                        onClick={() => onMoveRequest(c)}
                      >
                        <IconArrowsMove size={16} />
                      </ActionIcon>
                    </Tooltip>
                    <Tooltip label={`Remove from ${labName}`}>
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        size="md"
                        aria-label={`Remove ${name} from ${labName}`}
                        onClick={() => onRemoveFromLab(c)}
                      >
                        <IconX size={16} />
                      </ActionIcon>
                    </Tooltip>
                  </>
                )}
              </div>
            );
          })
        )}
      </div>
      {canMove &&
        (unassignedCount === 0 ? (
          <Text size="xs" c="dimmed">
            Every other computer is in a lab already.
          </Text>
        ) : (
          <Button
            variant="light"
            leftSection={<IconPlus size={16} />}
            rightSection={
              <Badge size="sm" variant="filled" circle={unassignedCount < 10}>
                {unassignedCount}
              </Badge>
            }
            onClick={onAddRequest}
            fullWidth
            aria-label={`Add computers (${unassignedCount} in no lab)`}
          >
            Add computers
          </Button>
        ))}
    </Paper>
  );
}
