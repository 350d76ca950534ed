import type { ComputerSummary, Lab, Seat } from '@labmgr/protocol';
import { Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { type RoomLayout, seatKey, seatLabel, shownName } from './lab-model.js';

export interface MoveToSeatModalProps {
  lab: Pick<Lab, 'rows' | 'cols' | 'name'>;
  layout: RoomLayout;
  /** The computer to move; closed when null. */
  computer: ComputerSummary | null;
  onClose: () => void;
  onMove: (computer: ComputerSummary, seat: Seat) => void;
}

/**
 * The keyboard way to move a computer: pick a row, then a seat in it. A
 * taken seat is offered too and says that the two computers swap.
 */
export function MoveToSeatModal({ lab, layout, computer, onClose, onMove }: MoveToSeatModalProps) {
  return (
    <Modal
      opened={computer !== null}
      onClose={onClose}
      title={computer ? `Move ${shownName(computer)}` : ''}
      centered
    >
      {computer && (
        <MoveForm lab={lab} layout={layout} computer={computer} onClose={onClose} onMove={onMove} />
      )}
    </Modal>
  );
}

function firstFreeSeat(lab: Pick<Lab, 'rows' | 'cols'>, layout: RoomLayout): Seat {
  for (let row = 1; row <= lab.rows; row++) {
    for (let col = 1; col <= lab.cols; col++) {
      if (!layout.seats.has(seatKey({ row, col }))) return { row, col };
    }
  }
  return { row: 1, col: 1 };
}

function MoveForm({
  lab,
  layout,
  computer,
  onClose,
  onMove,
}: Omit<MoveToSeatModalProps, 'computer'> & { computer: ComputerSummary }) {
  const [seat, setSeat] = useState<Seat>(() =>
    computer.seat && computer.labId !== null ? computer.seat : firstFreeSeat(lab, layout),
  );
  const rows = Array.from({ length: lab.rows }, (_, i) => {
    const row = i + 1;
    let free = 0;
    for (let col = 1; col <= lab.cols; col++) if (!layout.seats.has(seatKey({ row, col }))) free++;
    return { value: String(row), label: `Row ${row} (${free} free)` };
  });
  const seats = Array.from({ length: lab.cols }, (_, i) => {
    const col = i + 1;
    const holder = layout.seats.get(seatKey({ row: seat.row, col }));
    let label = `Seat ${col}: empty`;
    if (holder?.id === computer.id) label = `Seat ${col}: here now`;
    else if (holder) label = `Seat ${col}: ${shownName(holder)} (they swap)`;
    return { value: String(col), label };
  });
  const holder = layout.seats.get(seatKey(seat));
  const unchanged = holder?.id === computer.id;

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (unchanged) return;
        onMove(computer, seat);
        onClose();
      }}
    >
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          Rows count from the front of {lab.name}, seats from the left.
        </Text>
        <Group grow align="flex-start">
          <Select
            label="Row"
            data={rows}
            value={String(seat.row)}
            onChange={(v) => v && setSeat((s) => ({ ...s, row: Number(v) }))}
            allowDeselect={false}
            data-autofocus
            comboboxProps={{ withinPortal: true }}
          />
          <Select
            label="Seat"
            data={seats}
            value={String(seat.col)}
            onChange={(v) => v && setSeat((s) => ({ ...s, col: Number(v) }))}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
        </Group>
        <Text size="sm" aria-live="polite">
          {unchanged
            ? `${shownName(computer)} sits at ${seatLabel(seat).toLowerCase()} already.`
            : holder
              ? `${seatLabel(seat)} is taken by ${shownName(holder)}: ${
                  computer.seat && computer.labId === holder.labId
                    ? `it moves to ${seatLabel(computer.seat).toLowerCase()}.`
                    : 'it goes to the list of computers without a seat.'
                }`
              : `${seatLabel(seat)} is free.`}
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={unchanged}>
            {holder && !unchanged ? 'Swap' : 'Move'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
