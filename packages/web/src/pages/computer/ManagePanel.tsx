import type { ComputerDetail } from '@labmgr/protocol';
import {
  Alert,
  Button,
  Card,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useUpdateComputer } from '../../api/computer.js';
import { useLabList } from '../../api/queries.js';
import { isAdmin, useRole } from '../../app/use-role.js';
import { notifyError, notifySuccess } from '../../components/notify.js';
import { changes, type ManageForm, seatError, toForm } from './manage-form.js';
import { PanelTitle } from './PanelTitle.js';
import { RevokeSection } from './RevokeSection.js';

/** Name, lab and seat, tags and notes; editable by administrators, read-only for others. */
export function ManagePanel({ computer }: { computer: ComputerDetail }) {
  const admin = isAdmin(useRole());
  const labs = useLabList();
  const update = useUpdateComputer(computer.id);
  const [form, setForm] = useState<ManageForm>(() => toForm(computer));
  // A save (or someone else's change pushed live) resets the form to what is stored.
  useEffect(() => setForm(toForm(computer)), [computer]);

  const set = <K extends keyof ManageForm>(key: K, value: ManageForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const body = changes(computer, form);
  const seatProblem = seatError(form);
  const lab = labs.data?.items.find((l) => l.id === form.labId);

  const save = () => {
    if (!body) return;
    update.mutate(body, {
      onSuccess: () => notifySuccess('Changes saved.'),
      onError: (error) => notifyError(error, 'Could not save the changes'),
    });
  };

  return (
    <Stack gap="md">
      {!admin && (
        <Alert variant="light" color="gray" icon={<IconInfoCircle size={18} />}>
          Only administrators can change these details.
        </Alert>
      )}
      <Card padding="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <PanelTitle title="Details" />
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextInput
                label="Display name"
                description={`Shown instead of the hostname (${computer.hostname})`}
                placeholder={computer.hostname}
                value={form.displayName}
                onChange={(e) => set('displayName', e.currentTarget.value)}
                maxLength={128}
                disabled={!admin}
              />
              <TagsInput
                label="Tags"
                description="Letters, digits and . _ : - ; press Enter after each"
                value={form.tags}
                onChange={(tags) => set('tags', tags)}
                maxTags={32}
                clearable
                disabled={!admin}
              />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <Select
                label="Lab"
                placeholder={labs.isPending ? 'Loading labs…' : 'No lab'}
                data={(labs.data?.items ?? []).map((l) => ({ value: l.id, label: l.name }))}
                value={form.labId}
                onChange={(labId) => setForm((f) => ({ ...f, labId, seatRow: '', seatCol: '' }))}
                clearable
                searchable
                nothingFoundMessage="No such lab"
                error={labs.isError ? labs.error.message : undefined}
                disabled={!admin}
              />
              <NumberInput
                label="Row"
                description={lab ? `1–${lab.rows}, front to back` : 'Pick a lab first'}
                min={1}
                max={lab?.rows ?? 100}
                value={form.seatRow}
                onChange={(v) => set('seatRow', typeof v === 'number' ? v : '')}
                disabled={!admin || form.labId === null}
                error={seatProblem}
              />
              <NumberInput
                label="Seat"
                description={lab ? `1–${lab.cols}, left to right` : 'Pick a lab first'}
                min={1}
                max={lab?.cols ?? 100}
                value={form.seatCol}
                onChange={(v) => set('seatCol', typeof v === 'number' ? v : '')}
                disabled={!admin || form.labId === null}
              />
            </SimpleGrid>
            <Textarea
              label="Notes"
              description="For the people who look after this computer"
              placeholder="e.g. projector cable is loose"
              autosize
              minRows={3}
              maxRows={10}
              maxLength={4000}
              value={form.notes}
              onChange={(e) => set('notes', e.currentTarget.value)}
              disabled={!admin}
            />
            {admin && (
              <Group justify="flex-end" gap="sm">
                <Button
                  variant="default"
                  disabled={!body || update.isPending}
                  onClick={() => setForm(toForm(computer))}
                >
                  Discard
                </Button>
                <Button type="submit" disabled={!body || seatProblem !== null} loading={update.isPending}>
                  Save changes
                </Button>
              </Group>
            )}
          </Stack>
        </form>
      </Card>
      {admin && <RevokeSection computer={computer} />}
      {!admin && computer.notes === null && (
        <Text size="sm" c="dimmed">
          No notes for this computer.
        </Text>
      )}
    </Stack>
  );
}
