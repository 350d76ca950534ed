import { Button, EmptyState, Group, Paper, Skeleton, Stack } from '@mantine/core';
import { IconAlertTriangle, IconFilterOff, IconTerminal2 } from '@tabler/icons-react';
import { RetryState } from '../../components/RetryState.js';

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

export function CommandsError({
  message,
  retrying,
  onRetry,
}: {
  message: string;
  retrying: boolean;
  onRetry: () => void;
}) {
  return (
    <Paper withBorder py={56} px="lg" role="alert">
      <RetryState
        icon={<IconAlertTriangle size={26} stroke={1.7} />}
        title="Could not load the commands"
        message={message}
        retrying={retrying}
        onRetry={onRetry}
      />
    </Paper>
  );
}

export function CommandsEmpty({ onNew }: { onNew?: () => void }) {
  return (
    <Paper withBorder py={56} px="lg">
      <EmptyState
        variant="light"
        icon={<IconTerminal2 size={26} stroke={1.7} />}
        title="No commands yet"
        description="Commands, scripts, power actions and messages sent to computers are listed here with each computer's result."
      >
        {onNew && (
          <EmptyState.Actions>
            <Button onClick={onNew}>New command</Button>
          </EmptyState.Actions>
        )}
      </EmptyState>
    </Paper>
  );
}

export function CommandsNoMatch({ onClear }: { onClear: () => void }) {
  return (
    <Paper withBorder py={48} px="lg">
      <EmptyState
        size="sm"
        icon={<IconFilterOff size={24} stroke={1.7} />}
        title="No commands match"
        description="Try other words or filters."
      >
        <EmptyState.Actions>
          <Button variant="default" onClick={onClear}>
            Clear filters
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    </Paper>
  );
}
