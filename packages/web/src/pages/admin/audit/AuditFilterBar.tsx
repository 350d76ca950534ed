import { Autocomplete, Button, Group, SimpleGrid, TextInput } from '@mantine/core';
import { IconFilterOff } from '@tabler/icons-react';
import type { ChangeEvent } from 'react';
import { ACTION_PREFIXES, type AuditFilters, hasFilters, NO_FILTERS } from './audit-model.js';

export interface AuditFilterBarProps {
  filters: AuditFilters;
  onChange: (filters: AuditFilters) => void;
}

/** Actor, action, target and date range; each narrows the log as soon as it is typed. */
export function AuditFilterBar({ filters, onChange }: AuditFilterBarProps) {
  const set = (key: keyof AuditFilters) => (value: string) => onChange({ ...filters, [key]: value });
  /** A free-text filter: its value, and no browser autocomplete or spell check. */
  const text = (key: keyof AuditFilters) => ({
    value: filters[key],
    onChange: (e: ChangeEvent<HTMLInputElement>) => set(key)(e.currentTarget.value),
    autoComplete: 'off',
    spellCheck: false,
  });
  return (
    <Group align="flex-end" gap="sm" wrap="nowrap">
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm" verticalSpacing="xs" style={{ flex: 1 }}>
        <TextInput label="Actor" placeholder="Username or id" {...text('actor')} />
        <Autocomplete
          label="Action"
          placeholder="e.g. user. or auth.login"
          data={ACTION_PREFIXES.map((p) => p.value)}
          renderOption={({ option }) =>
            ACTION_PREFIXES.find((p) => p.value === option.value)?.label ?? option.value
          }
          value={filters.action}
          onChange={set('action')}
          autoComplete="off"
          spellCheck={false}
        />
        <TextInput label="Target" placeholder="Exact id or username" {...text('target')} />
        <TextInput type="date" label="From" {...text('fromDate')} max={filters.toDate || undefined} />
        <TextInput type="date" label="To" {...text('toDate')} min={filters.fromDate || undefined} />
      </SimpleGrid>
      <Button
        variant="default"
        leftSection={<IconFilterOff size={16} />}
        disabled={!hasFilters(filters)}
        onClick={() => onChange(NO_FILTERS)}
      >
        Clear
      </Button>
    </Group>
  );
}
