import { Button, Group, Paper, Skeleton, Stack } from '@mantine/core';
import { IconTerminal2 } from '@tabler/icons-react';
import { EmptyPanel } from '../../components/EmptyPanel.js';

export function CommandsSkeleton() {
  return (
    <Stack gap="sm" aria-busy="true" aria-label="Loading commands">
      <Group gap="sm">
        <Skeleton height={36} width={260} />
        <Skeleton height={36} width={150} />
        <Skeleton height={36} width={170} />
        <Skeleton height={36} width={220} />
      </Group>
      <Paper withBorder p="md">
        <Stack gap={14}>
          <Skeleton height={14} />
          {Array.from({ length: 10 }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: static placeholder rows
            <Skeleton key={i} height={26} radius="sm" />
          ))}
        </Stack>
      </Paper>
    </Stack>
  );
}

export function CommandsEmpty({ onNew }: { onNew?: () => void }) {
  return (
    <EmptyPanel
      icon={IconTerminal2}
      title="No commands yet"
      description="Commands, scripts, power actions and messages sent to computers are listed here with each computer's result."
      action={onNew && <Button onClick={onNew}>New command</Button>}
    />
  );
}
