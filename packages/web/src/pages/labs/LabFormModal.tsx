import type { Lab, LabCreate } from '@labmgr/protocol';
import { Alert, Button, Group, Modal, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client.js';
import { useCreateLab, useUpdateLab } from '../../api/labs.js';
import { notifySuccess } from '../../components/notify.js';

/** Largest grid the server accepts each way. */
const MAX_GRID = 100;

interface FormValues {
  name: string;
  building: string;
  room: string;
  rows: number | string;
  cols: number | string;
}

function initialValues(lab: Lab | undefined): FormValues {
  return {
    name: lab?.name ?? '',
    building: lab?.building ?? '',
    room: lab?.room ?? '',
    rows: lab?.rows ?? 5,
    cols: lab?.cols ?? 6,
  };
}

function gridProblem(value: number | string): string | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_GRID
    ? null
    : `1 to ${MAX_GRID}`;
}

const orNull = (text: string): string | null => (text.trim() === '' ? null : text.trim());

export interface LabFormModalProps {
  opened: boolean;
  onClose: () => void;
  /** The lab to edit; a new one when absent. */
  lab?: Lab;
  onSaved?: (lab: Lab) => void;
}

/** Create or edit a lab: its name, where it is, and its seat grid. */
export function LabFormModal({ opened, onClose, lab, onSaved }: LabFormModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={lab ? `Edit ${lab.name}` : 'New lab'} centered>
      {/* Mounted per opening, so the form starts from the lab as it is now. */}
      {opened && <LabForm lab={lab} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

function LabForm({ lab, onClose, onSaved }: Omit<LabFormModalProps, 'opened'>) {
  const [values, setValues] = useState<FormValues>(() => initialValues(lab));
  const [submitted, setSubmitted] = useState(false);
  const create = useCreateLab();
  const update = useUpdateLab();
  const mutation = lab ? update : create;
  const serverError = mutation.error instanceof ApiError ? mutation.error : null;

  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    mutation.reset();
  };

  const nameProblem = values.name.trim() === '' ? 'Give the lab a name' : null;
  const rowsProblem = gridProblem(values.rows);
  const colsProblem = gridProblem(values.cols);
  const nameTaken = serverError?.code === 'lab_name_taken' ? serverError.message : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (nameProblem || rowsProblem || colsProblem) return;
    const body: LabCreate = {
      name: values.name.trim(),
      building: orNull(values.building),
      room: orNull(values.room),
      rows: Number(values.rows),
      cols: Number(values.cols),
    };
    const done = (saved: Lab) => {
      notifySuccess(
        lab ? `${saved.name} saved.` : `${saved.name} created with ${saved.rows * saved.cols} seats.`,
      );
      onSaved?.(saved);
      onClose();
    };
    if (lab) update.mutate({ id: lab.id, body }, { onSuccess: done });
    else create.mutate(body, { onSuccess: done });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          placeholder="Physics lab"
          required
          data-autofocus
          maxLength={128}
          value={values.name}
          onChange={(e) => set('name', e.currentTarget.value)}
          error={(submitted && nameProblem) || nameTaken}
        />
        <Group grow align="flex-start">
          <TextInput
            label="Building"
            placeholder="North wing"
            maxLength={128}
            value={values.building}
            onChange={(e) => set('building', e.currentTarget.value)}
          />
          <TextInput
            label="Room"
            placeholder="N-101"
            maxLength={128}
            value={values.room}
            onChange={(e) => set('room', e.currentTarget.value)}
          />
        </Group>
        <div>
          <Group grow align="flex-start">
            <NumberInput
              label="Rows"
              description="From the front"
              required
              min={1}
              max={MAX_GRID}
              allowDecimal={false}
              allowNegative={false}
              value={values.rows}
              onChange={(v) => set('rows', v)}
              error={submitted && rowsProblem}
            />
            <NumberInput
              label="Seats per row"
              description="From the left"
              required
              min={1}
              max={MAX_GRID}
              allowDecimal={false}
              allowNegative={false}
              value={values.cols}
              onChange={(v) => set('cols', v)}
              error={submitted && colsProblem}
            />
          </Group>
          {!rowsProblem && !colsProblem && (
            <Text size="xs" c="dimmed" mt={6}>
              {Number(values.rows) * Number(values.cols)} seats
            </Text>
          )}
        </div>
        {mutation.error && !nameTaken && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Not saved">
            {mutation.error.message}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending}>
            {lab ? 'Save' : 'Create lab'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
