import type { ComputerSummary, Seat } from '@labmgr/protocol';
import { Alert, Anchor, Button, Group, Menu, Paper, Stack, Text, Title } from '@mantine/core';
import {
  IconArrowLeft,
  IconChevronDown,
  IconInfoCircle,
  IconPencil,
  IconSquareCheck,
  IconTrash,
} from '@tabler/icons-react';
import { type DragEvent, useCallback, useMemo, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError } from '../../api/client.js';
import { useLiveState } from '../../api/LiveProvider.js';
import { useLab, usePlaceComputers } from '../../api/labs.js';
import { useComputers } from '../../api/queries.js';
import { paths } from '../../app/paths.js';
import { canOperate, isAdmin, useRole } from '../../app/use-role.js';
import { notifyError, notifySuccess } from '../../components/notify.js';
import { PageError } from '../../components/PageError.js';
import { ActionMenu } from '../../features/actions/index.js';
import { AddComputersModal } from './AddComputersModal.js';
import { DeleteLabModal } from './DeleteLabModal.js';
import { FillSeatModal } from './FillSeatModal.js';
import { LabFormModal } from './LabFormModal.js';
import {
  labPlace,
  labStats,
  type Placement,
  planMove,
  roomLayout,
  seatKey,
  seatLabel,
  shownName,
} from './lab-model.js';
import { MoveToSeatModal } from './MoveToSeatModal.js';
import classes from './Room.module.css';
import { RoomLegend } from './RoomLegend.js';
import { RoomFleetError, RoomNotFound, RoomSkeleton } from './RoomStates.js';
import { RoomSummary } from './RoomSummary.js';
import { SeatGrid } from './SeatGrid.js';
import type { TileHandlers } from './SeatTile.js';
import { SelectionBar } from './SelectionBar.js';
import { UnseatedPanel } from './UnseatedPanel.js';
import { type DropTarget, useSeatDrag } from './use-seat-drag.js';

const NONE: readonly ComputerSummary[] = [];

function BackLink() {
  return (
    <Anchor
      component={Link}
      href={paths.labs}
      size="sm"
      c="dimmed"
      style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
    >
      <IconArrowLeft size={14} aria-hidden="true" />
      All labs
    </Anchor>
  );
}

/**
 * The room view: the lab's seat plan with each computer live at its seat,
 * what a teacher or lab administrator watches during a class. Operators
 * select tiles and act on them or on the whole room; administrators arrange
 * the seats by dragging (or with "Move to seat…").
 */
export function RoomPage({ params }: { params: { id: string } }) {
  const labId = params.id;
  const role = useRole();
  const canMove = isAdmin(role);
  const canSelect = canOperate(role);
  const [, navigate] = useLocation();
  const labQuery = useLab(labId);
  const computers = useComputers(useLiveState());
  const place = usePlaceComputers();

  const lab = labQuery.data;
  const fleet = computers.data?.items ?? NONE;
  const layout = useMemo(() => (lab ? roomLayout(lab, fleet) : null), [lab, fleet]);
  const stats = useMemo(() => labStats(layout?.computers ?? NONE), [layout]);
  const unassigned = useMemo(() => fleet.filter((c) => c.labId === null), [fleet]);

  const [selectionMode, setSelectionMode] = useState(false);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  // A computer that left the room (moved away, deleted) drops out of the selection by itself.
  const selected = useMemo(
    () => (layout ? layout.computers.filter((c) => picked.has(c.id)) : []),
    [layout, picked],
  );
  const selectedIds = useMemo(() => new Set(selected.map((c) => c.id)), [selected]);

  const [moving, setMoving] = useState<ComputerSummary | null>(null);
  const [filling, setFilling] = useState<Seat | null>(null);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);

  const run = useCallback(
    (placements: Placement[], done: string) => {
      if (placements.length === 0) return;
      place.mutate(placements, {
        onSuccess: () => notifySuccess(done),
        onError: (error) => notifyError(error, 'Not moved'),
      });
    },
    [place],
  );

  const byId = useCallback((id: string) => fleet.find((c) => c.id === id), [fleet]);

  const moveTo = useCallback(
    (computer: ComputerSummary, seat: Seat) => {
      if (!lab || !layout) return;
      const occupant = layout.seats.get(seatKey(seat));
      const placements = planMove(computer, lab.id, seat, occupant);
      const name = shownName(computer);
      const swapped = occupant && occupant.id !== computer.id;
      run(
        placements,
        swapped
          ? `${name} and ${shownName(occupant)} swapped seats.`
          : `${name} moved to ${seatLabel(seat).toLowerCase()}.`,
      );
    },
    [lab, layout, run],
  );

  const unseat = useCallback(
    (computer: ComputerSummary) => {
      if (!lab || (computer.labId === lab.id && computer.seat === null)) return;
      run(
        [{ computerId: computer.id, labId: lab.id, seat: null }],
        `${shownName(computer)} has no seat now.`,
      );
    },
    [lab, run],
  );

  const removeFromLab = useCallback(
    (computer: ComputerSummary) => {
      if (!lab) return;
      run(
        [{ computerId: computer.id, labId: null, seat: null }],
        `${shownName(computer)} removed from ${lab.name}.`,
      );
    },
    [lab, run],
  );

  const onDrop = useCallback(
    (computerId: string, target: DropTarget) => {
      const computer = byId(computerId);
      if (!computer) return;
      if (target.kind === 'seat') moveTo(computer, target.seat);
      else unseat(computer);
    },
    [byId, moveTo, unseat],
  );
  const drag = useSeatDrag(onDrop);

  // Tiles are memoised: hand them one stable object that calls the latest handlers.
  const latest = useRef({
    moveRequest: setMoving,
    unseat,
    removeFromLab,
    startDrag: drag.startDrag,
    endDrag: drag.endDrag,
  });
  latest.current = {
    moveRequest: setMoving,
    unseat,
    removeFromLab,
    startDrag: drag.startDrag,
    endDrag: drag.endDrag,
  };
  const handlers = useMemo<TileHandlers>(
    () => ({
      onToggleSelect: (id) =>
        setPicked((current) => {
          const next = new Set(current);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          return next;
        }),
      onMoveRequest: (c) => latest.current.moveRequest(c),
      onUnseat: (c) => latest.current.unseat(c),
      onRemoveFromLab: (c) => latest.current.removeFromLab(c),
      onDragStart: (c, e: DragEvent) => latest.current.startDrag(c, e),
      onDragEnd: () => latest.current.endDrag(),
    }),
    [],
  );

  if (labQuery.isPending) return <RoomSkeleton />;
  if (!lab || !layout) {
    const error = labQuery.error;
    return (
      <Stack gap="lg">
        <BackLink />
        {error instanceof ApiError && error.status === 404 ? (
          <RoomNotFound />
        ) : (
          <PageError
            title="Could not load the room"
            error={error}
            retrying={labQuery.isFetching}
            onRetry={() => void labQuery.refetch()}
          />
        )}
      </Stack>
    );
  }

  const place_ = labPlace(lab);
  const clearSelection = () => setPicked(new Set());

  return (
    <Stack gap="md" className={classes.room}>
      <Group justify="space-between" align="flex-end" gap="sm">
        <Stack gap={2}>
          <BackLink />
          <Title order={2} fz={24} data-testid="room-title">
            {lab.name}
          </Title>
          <Text c="dimmed" size="sm">
            {[place_, `${lab.rows} ${lab.rows === 1 ? 'row' : 'rows'} × ${lab.cols} seats`]
              .filter(Boolean)
              .join(' · ')}
          </Text>
        </Stack>
        <Group gap="sm">
          <ActionMenu target={{ type: 'lab', labId: lab.id, name: lab.name }} label="Room actions" />
          {canMove && (
            <Menu position="bottom-end" withinPortal shadow="md">
              <Menu.Target>
                <Button variant="default" rightSection={<IconChevronDown size={16} />}>
                  Lab
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item leftSection={<IconPencil size={15} />} onClick={() => setEditing(true)}>
                  Edit name, place and grid
                </Menu.Item>
                <Menu.Item
                  color="red"
                  leftSection={<IconTrash size={15} />}
                  onClick={() => setDeleting(true)}
                >
                  Delete lab
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          )}
        </Group>
      </Group>

      <RoomSummary lab={lab} stats={stats} />

      {computers.isError && !computers.data ? (
        <RoomFleetError
          message={computers.error.message}
          retrying={computers.isFetching}
          onRetry={() => void computers.refetch()}
        />
      ) : (
        <div className={classes.layout}>
          <Paper withBorder className={classes.planCard}>
            <Stack gap="sm">
              <Group justify="space-between" gap="sm">
                {canSelect ? (
                  <Group gap="xs">
                    <Button
                      variant={selectionMode ? 'filled' : 'default'}
                      size="xs"
                      leftSection={<IconSquareCheck size={15} />}
                      onClick={() => setSelectionMode((on) => !on)}
                      aria-pressed={selectionMode}
                    >
                      {selectionMode ? 'Done selecting' : 'Select'}
                    </Button>
                    {selectionMode && (
                      <>
                        <Button
                          variant="subtle"
                          size="xs"
                          onClick={() => setPicked(new Set(layout.computers.map((c) => c.id)))}
                        >
                          All
                        </Button>
                        <Button
                          variant="subtle"
                          size="xs"
                          onClick={() =>
                            setPicked(
                              new Set(layout.computers.filter((c) => c.status === 'online').map((c) => c.id)),
                            )
                          }
                        >
                          Online
                        </Button>
                        <Button
                          variant="subtle"
                          size="xs"
                          onClick={() =>
                            setPicked(
                              new Set(layout.computers.filter((c) => c.status !== 'online').map((c) => c.id)),
                            )
                          }
                        >
                          Offline
                        </Button>
                        <Button
                          variant="subtle"
                          size="xs"
                          color="gray"
                          onClick={clearSelection}
                          disabled={selected.length === 0}
                        >
                          None
                        </Button>
                      </>
                    )}
                    {!selectionMode && (
                      <Text size="xs" c="dimmed" visibleFrom="sm">
                        or Ctrl-click tiles
                      </Text>
                    )}
                  </Group>
                ) : (
                  <span />
                )}
                <RoomLegend />
              </Group>
              {!computers.isPending && layout.computers.length === 0 && (
                <Alert
                  variant="light"
                  color="blue"
                  icon={<IconInfoCircle size={18} />}
                  title="No computers in this lab yet"
                >
                  {canMove
                    ? 'Add computers that are in no lab from the panel beside the plan, then drag each onto its seat. An enrollment token made for this lab places new computers here directly.'
                    : 'An administrator places computers in this lab; they show up on their seats here.'}
                </Alert>
              )}
              {computers.isPending ? (
                <Text size="sm" c="dimmed" py="xl" ta="center">
                  Loading computers…
                </Text>
              ) : (
                <SeatGrid
                  lab={lab}
                  layout={layout}
                  selected={selectedIds}
                  selectionMode={selectionMode}
                  canSelect={canSelect}
                  canMove={canMove}
                  handlers={handlers}
                  drag={drag}
                  onFillSeat={setFilling}
                />
              )}
              {canMove && (
                <Text size="xs" c="dimmed">
                  Drag a computer onto a seat to place it; onto a taken seat to swap. Each tile's menu has
                  “Move to seat…” for the keyboard.
                </Text>
              )}
            </Stack>
          </Paper>
          <UnseatedPanel
            labName={lab.name}
            unseated={layout.unseated}
            unassignedCount={unassigned.length}
            canMove={canMove}
            drag={drag}
            onMoveRequest={setMoving}
            onRemoveFromLab={removeFromLab}
            onAddRequest={() => setAdding(true)}
          />
        </div>
      )}

      {/* Room under the floating selection bar, so it never hides the back row. */}
      {selected.length > 0 && <div style={{ height: 56 }} aria-hidden="true" />}
      <SelectionBar selected={selected} onClear={clearSelection} />
      <MoveToSeatModal
        lab={lab}
        layout={layout}
        computer={moving}
        onClose={() => setMoving(null)}
        onMove={moveTo}
      />
      <FillSeatModal
        seat={filling}
        labName={lab.name}
        unseated={layout.unseated}
        unassigned={unassigned}
        onClose={() => setFilling(null)}
        onPlace={(id, seat) => {
          const computer = byId(id);
          if (computer) moveTo(computer, seat);
        }}
      />
      <AddComputersModal
        opened={adding}
        labName={lab.name}
        candidates={unassigned}
        onClose={() => setAdding(false)}
        onAdd={(ids) =>
          run(
            ids.map((id) => ({ computerId: id, labId: lab.id, seat: null })),
            `${ids.length} ${ids.length === 1 ? 'computer' : 'computers'} added to ${lab.name}.`,
          )
        }
      />
      <LabFormModal opened={editing} lab={lab} onClose={() => setEditing(false)} />
      <DeleteLabModal
        lab={deleting ? lab : null}
        computerCount={stats.total}
        onClose={() => setDeleting(false)}
        onDeleted={() => navigate(paths.labs)}
      />
    </Stack>
  );
}
