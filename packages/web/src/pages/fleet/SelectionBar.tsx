import type { ComputerSummary } from '@labmgr/protocol';
import { Button, Group, Paper, Text } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { shownName } from './fleet-model.js';

/** How many names the bar spells out before "and N more". */
const NAMED = 3;

/** "pc01, pc02, pc03 and 21 more": whom a bulk action will reach, at a glance. */
export function describeSelection(computers: readonly ComputerSummary[]): string {
  const names = computers.slice(0, NAMED).map(shownName);
  const rest = computers.length - names.length;
  return rest > 0 ? `${names.join(', ')} and ${rest} more` : names.join(', ');
}

/** Shown while computers are selected: who, the bulk actions, and a way out. */
export function SelectionBar({
  computers,
  actions,
  onClear,
}: {
  computers: readonly ComputerSummary[];
  actions?: ReactNode;
  onClear: () => void;
}) {
  const online = computers.filter((c) => c.status === 'online').length;
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
          {actions}
          <Button variant="subtle" color="gray" leftSection={<IconX size={16} />} onClick={onClear}>
            Clear selection
          </Button>
        </Group>
      </Group>
    </Paper>
  );
}
