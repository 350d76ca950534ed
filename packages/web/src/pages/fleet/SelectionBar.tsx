import type { ComputerSummary } from '@labmgr/protocol';
import { Button, Group, Paper, Text } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { useMemo } from 'react';
import { ActionMenu, type ActionTarget } from '../../features/actions/index.js';
import { shownName } from './fleet-model.js';

/** How many names the bar spells out before "and N more". */
const NAMED = 3;

/** "pc01, pc02, pc03 and 21 more": whom a bulk action will reach, at a glance. */
export function describeSelection(computers: readonly ComputerSummary[]): string {
  const names = computers.slice(0, NAMED).map(shownName);
  const rest = computers.length - names.length;
  return rest > 0 ? `${names.join(', ')} and ${rest} more` : names.join(', ');
}

/**
 * Shown while computers are selected: who, the bulk actions (commands,
 * scripts, power, messages, wake: each confirmed with the count), and a way
 * out. Viewers see the selection without actions.
 */
export function SelectionBar({
  computers,
  onClear,
}: {
  computers: readonly ComputerSummary[];
  onClear: () => void;
}) {
  const online = computers.filter((c) => c.status === 'online').length;
  const target = useMemo<ActionTarget>(
    () => ({ type: 'computers', computers: computers.map((c) => ({ id: c.id, name: shownName(c) })) }),
    [computers],
  );
  return (
    <Paper withBorder radius="md" px="md" py={8} role="region" aria-label="Selected computers">
      <Group justify="space-between" gap="sm" wrap="wrap">
        <div style={{ minWidth: 0 }}>
          <Text size="sm" fw={600} data-testid="selection-count">
            {computers.length} selected
            <Text span size="sm" c="dimmed" fw={400}>
              {' '}
              · {online} online
            </Text>
          </Text>
          <Text size="xs" c="dimmed" truncate="end" maw={520}>
            {describeSelection(computers)}
          </Text>
        </div>
        <Group gap="xs">
          <ActionMenu target={target} label="Actions" buttonProps={{ variant: 'filled' }} />
          <Button variant="subtle" color="gray" leftSection={<IconX size={16} />} onClick={onClear}>
            Clear selection
          </Button>
        </Group>
      </Group>
    </Paper>
  );
}
