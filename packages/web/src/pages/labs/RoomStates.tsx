import { Button, Group, Paper, Skeleton, Stack } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { Link } from 'wouter';
import { paths } from '../../app/paths.js';
import { NotFound } from '../../components/NotFound.js';
import { RetryState } from '../../components/RetryState.js';

/** Placeholder while the lab loads: title, summary strip and a seat plan without figures. */
export function RoomSkeleton() {
  return (
    <Stack gap="lg" aria-busy="true" aria-label="Loading the room">
      <Stack gap={8}>
        <Skeleton height={14} width={80} radius="sm" />
        <Skeleton height={28} width={260} radius="sm" />
        <Skeleton height={14} width={200} radius="sm" />
      </Stack>
      <Skeleton height={64} radius="md" />
      <Paper withBorder p="md">
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(6, minmax(0, 1fr))', gap: 8 }}>
          {Array.from({ length: 24 }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: static placeholder seats
            <Skeleton key={i} height={94} radius="md" />
          ))}
        </div>
      </Paper>
    </Stack>
  );
}

export function RoomNotFound() {
  return (
    <NotFound
      title="No such lab"
      description="It may have been deleted, or the address is mistyped."
      action={
        <Button component={Link} href={paths.labs}>
          All labs
        </Button>
      }
    />
  );
}

/** The fleet could not be loaded, so the room has a plan but no computers to show. */
export function RoomFleetError({
  message,
  retrying,
  onRetry,
}: {
  message: string;
  retrying: boolean;
  onRetry: () => void;
}) {
  return (
    <Paper withBorder py="lg" px="lg" role="alert">
      <Group justify="center">
        <RetryState
          icon={<IconAlertTriangle size={26} stroke={1.7} />}
          title="Could not load the computers"
          message={message}
          retrying={retrying}
          onRetry={onRetry}
        />
      </Group>
    </Paper>
  );
}
