import { Alert, MultiSelect, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useId, useMemo } from 'react';
import { useLiveState } from '../../api/LiveProvider.js';
import { useComputers, useLabList } from '../../api/queries.js';
import { computerOptions, fleetTags, type PickMode, type TargetPick } from './target-pick.js';
import { plural } from './wording.js';

const MODES: { value: PickMode; label: string }[] = [
  { value: 'computers', label: 'Computers' },
  { value: 'lab', label: 'Lab' },
  { value: 'tag', label: 'Tag' },
  { value: 'allOnline', label: 'All online' },
];
const isMode = (v: string): v is PickMode => MODES.some((m) => m.value === v);

/** Chooses what an action runs on: computers from the fleet, a lab, a tag, or every online computer. */
export function TargetPicker({
  value,
  onChange,
}: {
  value: TargetPick;
  onChange: (pick: TargetPick) => void;
}) {
  const modeLabelId = useId();
  const live = useLiveState();
  const computers = useComputers(live);
  const labs = useLabList(value.mode === 'lab');
  const fleet = computers.data?.items;
  const options = useMemo(() => computerOptions(fleet ?? []), [fleet]);
  const tags = useMemo(() => fleetTags(fleet ?? []), [fleet]);
  const online = useMemo(() => (fleet ?? []).filter((c) => c.status === 'online').length, [fleet]);

  return (
    <Stack gap="xs">
      <Stack gap={4}>
        <Text size="sm" fw="var(--mantine-font-weight-medium)" id={modeLabelId}>
          Run on
        </Text>
        <SegmentedControl
          aria-labelledby={modeLabelId}
          fullWidth
          data={MODES}
          value={value.mode}
          onChange={(v) => {
            if (isMode(v)) onChange({ ...value, mode: v });
          }}
        />
      </Stack>
      {value.mode === 'computers' && (
        <MultiSelect
          label="Computers"
          placeholder={value.computerIds.length === 0 ? 'Search by name' : undefined}
          searchable
          clearable
          hidePickedOptions
          limit={50}
          maxValues={10_000}
          nothingFoundMessage={computers.isPending ? 'Loading computers…' : 'No computer by that name'}
          error={computers.isError ? computers.error.message : undefined}
          data={options}
          value={value.computerIds}
          onChange={(computerIds) => onChange({ ...value, computerIds })}
          comboboxProps={{ withinPortal: true }}
          maxDropdownHeight={260}
        />
      )}
      {value.mode === 'lab' && (
        <Select
          label="Lab"
          placeholder={labs.isPending ? 'Loading labs…' : 'Choose a lab'}
          searchable
          nothingFoundMessage="No lab by that name"
          error={labs.isError ? labs.error.message : undefined}
          data={(labs.data?.items ?? []).map((l) => ({
            value: l.id,
            label: `${l.name} (${plural(l.computerCount, 'computer')})`,
          }))}
          value={value.labId}
          onChange={(labId) => onChange({ ...value, labId })}
        />
      )}
      {value.mode === 'tag' && (
        <Select
          label="Tag"
          placeholder={tags.length === 0 ? 'No computer has a tag yet' : 'Choose a tag'}
          searchable
          disabled={tags.length === 0}
          data={tags.map((t) => ({ value: t.tag, label: `${t.tag} (${plural(t.count, 'computer')})` }))}
          value={value.tag}
          onChange={(tag) => onChange({ ...value, tag })}
        />
      )}
      {value.mode === 'allOnline' && (
        <Alert color="indigo" variant="light">
          {fleet
            ? `Every computer online when you send it: ${plural(online, 'computer')} right now.`
            : 'Every computer online when you send it.'}
        </Alert>
      )}
    </Stack>
  );
}
