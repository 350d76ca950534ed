import type { ComputerSummary, Seat } from '@labmgr/protocol';
import { Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { byName, seatLabel, shownName } from './lab-model.js';

export interface FillSeatModalProps {
  /** The empty seat to fill; closed when null. */
  seat: Seat | null;
  labName: string;
  /** This lab's computers without a seat. */
  unseated: readonly ComputerSummary[];
  /** Computers in no lab, which join this one by taking the seat. */
  unassigned: readonly ComputerSummary[];
  onClose: () => void;
  onPlace: (computerId: string, seat: Seat) => void;
}

/** Puts a computer on an empty seat: one of this lab's unseated ones, or one from no lab. */
export function FillSeatModal({ seat, labName, unseated, unassigned, onClose, onPlace }: FillSeatModalProps) {
  return (
    <Modal
      opened={seat !== null}
      onClose={onClose}
      title={seat ? `Seat a computer at ${seatLabel(seat).toLowerCase()}` : ''}
      centered
    >
      {seat && (
        <FillForm
          seat={seat}
          labName={labName}
          unseated={unseated}
          unassigned={unassigned}
          onClose={onClose}
          onPlace={onPlace}
        />
      )}
    </Modal>
  );
}

function FillForm({
  seat,
  labName,
  unseated,
  unassigned,
  onClose,
  onPlace,
}: FillSeatModalProps & { seat: Seat }) {
  const data = useMemo(() => {
    const option = (c: ComputerSummary) => ({
      value: c.id,
      label: shownName(c) === c.hostname ? c.hostname : `${shownName(c)} (${c.hostname})`,
    });
    const groups = [];
    if (unseated.length > 0) groups.push({ group: `In ${labName}, no seat`, items: unseated.map(option) });
    if (unassigned.length > 0)
      groups.push({ group: 'In no lab', items: [...unassigned].sort(byName).map(option) });
    return groups;
  }, [unseated, unassigned, labName]);
  const [chosen, setChosen] = useState<string | null>(unseated[0]?.id ?? null);

  if (data.length === 0) {
    return (
      <Stack gap="md">
        <Text size="sm">
          Every computer is seated or belongs to another lab. Move one out of its seat, or out of its lab, to
          place it here.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!chosen) return;
        onPlace(chosen, seat);
        onClose();
      }}
    >
      <Stack gap="md">
        <Select
          label="Computer"
          placeholder="Pick a computer"
          data={data}
          value={chosen}
          onChange={setChosen}
          searchable
          limit={200}
          nothingFoundMessage="No computer by that name"
          // A list popping open over the dialog's buttons hides "Seat here"; it opens on click or typing.
          openOnFocus={false}
          data-autofocus
          comboboxProps={{ withinPortal: true }}
        />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={!chosen}>
            Seat here
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
