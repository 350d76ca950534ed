import { CloseButton, Group, SegmentedControl, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import type { FleetSummary, StatusFilter } from './fleet-model.js';

export interface FleetToolbarProps {
  search: string;
  onSearchChange: (value: string) => void;
  status: StatusFilter;
  onStatusChange: (value: StatusFilter) => void;
  summary: FleetSummary;
  /** Rows shown after filtering. */
  shown: number;
}

const isStatusFilter = (value: string): value is StatusFilter =>
  value === 'all' || value === 'online' || value === 'offline';

/** Hostname search, status filter and how many rows are shown. */
export function FleetToolbar({
  search,
  onSearchChange,
  status,
  onStatusChange,
  summary,
  shown,
}: FleetToolbarProps) {
  return (
    <Group justify="space-between" gap="sm">
      <Group gap="sm" wrap="wrap">
        <TextInput
          aria-label="Search by name"
          placeholder="Search name or hostname…"
          leftSection={<IconSearch size={16} stroke={1.8} />}
          value={search}
          onChange={(e) => onSearchChange(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') onSearchChange('');
          }}
          rightSection={
            search ? (
              <CloseButton size="sm" aria-label="Clear search" onClick={() => onSearchChange('')} />
            ) : null
          }
          w={{ base: '100%', xs: 280 }}
          spellCheck={false}
          autoComplete="off"
        />
        <SegmentedControl
          aria-label="Filter by status"
          value={status}
          onChange={(value) => {
            if (isStatusFilter(value)) onStatusChange(value);
          }}
          data={[
            { value: 'all', label: `All ${summary.total}` },
            { value: 'online', label: `Online ${summary.online}` },
            { value: 'offline', label: `Offline ${summary.offline}` },
          ]}
        />
      </Group>
      <Text size="sm" c="dimmed" aria-live="polite">
        {shown === summary.total
          ? `${shown} ${shown === 1 ? 'computer' : 'computers'}`
          : `${shown} of ${summary.total} computers`}
      </Text>
    </Group>
  );
}
