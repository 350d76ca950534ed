import type { CommandKind } from '@labmgr/protocol';
import { Group, SegmentedControl, Select, Text } from '@mantine/core';
import { useUsers } from '../../api/admin.js';
import { useMe } from '../../api/queries.js';
import { SearchInput } from '../../components/SearchInput.js';
import { KIND_NAME } from './job-model.js';

export type StatusFilter = 'all' | 'running' | 'completed';

export interface CommandFilters {
  text: string;
  kind: CommandKind | null;
  status: StatusFilter;
  /** A user id; null: anyone. */
  who: string | null;
}

export const NO_FILTERS: CommandFilters = { text: '', kind: null, status: 'all', who: null };

export const hasFilters = (f: CommandFilters): boolean =>
  f.text !== '' || f.kind !== null || f.status !== 'all' || f.who !== null;

const KINDS = Object.keys(KIND_NAME) as CommandKind[];
const isKind = (v: string | null): v is CommandKind => v !== null && (KINDS as string[]).includes(v);
const isStatus = (v: string): v is StatusFilter => v === 'all' || v === 'running' || v === 'completed';

export function CommandsToolbar({
  filters,
  onChange,
  total,
}: {
  filters: CommandFilters;
  onChange: (f: CommandFilters) => void;
  total: number | null;
}) {
  const me = useMe().data?.user;
  const authors = useUsers(me?.role === 'admin');
  const whoOptions = [
    ...(me ? [{ value: me.id, label: 'Me' }] : []),
    ...(authors.data?.items ?? [])
      .filter((u) => u.id !== me?.id)
      .map((u) => ({ value: u.id, label: u.displayName ? `${u.displayName} (${u.username})` : u.username })),
  ];

  return (
    <Group justify="space-between" gap="sm" align="flex-end">
      <Group gap="sm" wrap="wrap" align="flex-end">
        <SearchInput
          aria-label="Search what ran"
          placeholder="Search what ran…"
          value={filters.text}
          onSearch={(text) => onChange({ ...filters, text })}
          clearOnEscape
          w={{ base: '100%', xs: 260 }}
          spellCheck={false}
          autoComplete="off"
        />
        <Select
          aria-label="Kind"
          placeholder="All kinds"
          clearable
          w={150}
          data={KINDS.map((k) => ({ value: k, label: KIND_NAME[k] }))}
          value={filters.kind}
          onChange={(v) => onChange({ ...filters, kind: isKind(v) ? v : null })}
        />
        <Select
          aria-label="Started by"
          placeholder="Anyone"
          clearable
          searchable
          w={170}
          data={whoOptions}
          value={filters.who}
          onChange={(who) => onChange({ ...filters, who })}
        />
        <SegmentedControl
          aria-label="Job status"
          data={[
            { value: 'all', label: 'All' },
            { value: 'running', label: 'Running' },
            { value: 'completed', label: 'Finished' },
          ]}
          value={filters.status}
          onChange={(v) => {
            if (isStatus(v)) onChange({ ...filters, status: v });
          }}
        />
      </Group>
      {total !== null && (
        <Text size="sm" c="dimmed" aria-live="polite">
          {total} {total === 1 ? 'job' : 'jobs'}
        </Text>
      )}
    </Group>
  );
}
