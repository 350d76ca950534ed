import type { Lab } from '@labmgr/protocol';
import { Center, Checkbox, Group, SegmentedControl, Select, Text, VisuallyHidden } from '@mantine/core';
import { IconLayoutGrid, IconTable } from '@tabler/icons-react';
import { SearchInput } from '../../components/SearchInput.js';
import { type FleetFilter, type FleetSummary, NO_LAB, type StatusFilter } from './fleet-model.js';

export type FleetView = 'table' | 'tiles';

export interface FleetToolbarProps {
  filter: Required<FleetFilter>;
  onFilterChange: (change: Partial<FleetFilter>) => void;
  labs: readonly Lab[];
  tags: readonly string[];
  osNames: readonly string[];
  /** Computers whose agent lost samples. */
  lossyCount: number;
  view: FleetView;
  onViewChange: (view: FleetView) => void;
  summary: FleetSummary;
  /** Computers shown after filtering. */
  shown: number;
}

const STATUSES: readonly StatusFilter[] = ['all', 'online', 'offline', 'busy', 'alerting'];
const isStatusFilter = (value: string): value is StatusFilter =>
  (STATUSES as readonly string[]).includes(value);

/** Search, the status, lab, tag, OS and lost-samples filters, the table/tile switch and how many are shown. */
export function FleetToolbar({
  filter,
  onFilterChange,
  labs,
  tags,
  osNames,
  lossyCount,
  view,
  onViewChange,
  summary,
  shown,
}: FleetToolbarProps) {
  const { search } = filter;
  const labData = [
    { value: NO_LAB, label: 'No lab' },
    ...labs.map((lab) => ({ value: lab.id, label: lab.name })),
  ];
  return (
    <Group justify="space-between" gap="sm" align="flex-end">
      <Group gap="sm" wrap="wrap" align="flex-end">
        <SearchInput
          aria-label="Search by name or user"
          placeholder="Search name or user…"
          value={search}
          onSearch={(search) => onFilterChange({ search })}
          clearOnEscape
          w={{ base: '100%', xs: 260 }}
          spellCheck={false}
          autoComplete="off"
        />
        <SegmentedControl
          aria-label="Filter by status"
          value={filter.status}
          onChange={(value) => {
            if (isStatusFilter(value)) onFilterChange({ status: value });
          }}
          data={[
            { value: 'all', label: `All ${summary.total}` },
            { value: 'online', label: `Online ${summary.online}` },
            { value: 'offline', label: `Offline ${summary.offline}` },
            { value: 'busy', label: `Busy ${summary.busy}` },
            { value: 'alerting', label: `Alerting ${summary.alerting}` },
          ]}
        />
        <Select
          aria-label="Filter by lab"
          placeholder="Every lab"
          data={labData}
          value={filter.lab}
          onChange={(lab) => onFilterChange({ lab })}
          clearable
          searchable
          w={160}
        />
        {tags.length > 0 && (
          <Select
            aria-label="Filter by tag"
            placeholder="Any tag"
            data={[...tags]}
            value={filter.tag}
            onChange={(tag) => onFilterChange({ tag })}
            clearable
            searchable
            w={140}
          />
        )}
        {osNames.length > 1 && (
          <Select
            aria-label="Filter by operating system"
            placeholder="Any OS"
            data={[...osNames]}
            value={filter.os}
            onChange={(os) => onFilterChange({ os })}
            clearable
            w={180}
          />
        )}
        {(lossyCount > 0 || filter.lossy) && (
          <Checkbox
            label={`Lost samples (${lossyCount})`}
            title="Only computers whose agent had to drop samples before the server stored them"
            checked={filter.lossy === true}
            onChange={(e) => onFilterChange({ lossy: e.currentTarget.checked ? true : null })}
            mb={8}
          />
        )}
      </Group>
      <Group gap="sm" wrap="nowrap">
        <Text size="sm" c="dimmed" aria-live="polite">
          {shown === summary.total
            ? `${shown} ${shown === 1 ? 'computer' : 'computers'}`
            : `${shown} of ${summary.total} computers`}
        </Text>
        <SegmentedControl
          aria-label="Show as"
          value={view}
          onChange={(value) => onViewChange(value === 'tiles' ? 'tiles' : 'table')}
          data={[
            {
              value: 'table',
              label: (
                <Center title="Table">
                  <IconTable size={16} stroke={1.8} aria-hidden="true" />
                  <VisuallyHidden>Table</VisuallyHidden>
                </Center>
              ),
            },
            {
              value: 'tiles',
              label: (
                <Center title="Tiles">
                  <IconLayoutGrid size={16} stroke={1.8} aria-hidden="true" />
                  <VisuallyHidden>Tiles</VisuallyHidden>
                </Center>
              ),
            },
          ]}
        />
      </Group>
    </Group>
  );
}
