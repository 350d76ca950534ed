import { Button, Card, EmptyState, Group, Paper, SimpleGrid, Skeleton, Stack } from '@mantine/core';
import { IconAlertTriangle, IconFilterOff, IconLayoutGridAdd } from '@tabler/icons-react';
import { RetryState } from '../../components/RetryState.js';

/** The card grid's columns, shared by the cards and their skeleton. */
export const LAB_GRID_COLS = { base: 1, sm: 2, lg: 3, xl: 4 };

/** Placeholder while the labs load: the cards' shape, without figures. */
export function LabsSkeleton() {
  return (
    <SimpleGrid cols={LAB_GRID_COLS} spacing="md" aria-busy="true" aria-label="Loading labs">
      {[0, 1, 2, 3, 4, 5].map((i) => (
        <Card key={i} padding="md">
          <Stack gap={10}>
            <Skeleton height={20} width="60%" radius="sm" />
            <Skeleton height={12} width="40%" radius="sm" />
            <Skeleton height={96} radius="sm" />
            <Skeleton height={12} width="80%" radius="sm" />
            <Skeleton height={12} radius="sm" />
          </Stack>
        </Card>
      ))}
    </SimpleGrid>
  );
}

export function LabsError({
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
        title="Could not load the labs"
        message={message}
        retrying={retrying}
        onRetry={onRetry}
      />
    </Paper>
  );
}

/** No lab exists yet. */
export function LabsEmpty({ canCreate, onCreate }: { canCreate: boolean; onCreate: () => void }) {
  return (
    <Paper withBorder py={56} px="lg">
      <EmptyState
        variant="light"
        icon={<IconLayoutGridAdd size={26} stroke={1.7} />}
        title="No labs yet"
        description={
          canCreate
            ? 'A lab is a room with a seat plan. Create one, then place its computers on their seats to watch the room at a glance.'
            : 'A lab is a room with a seat plan. An administrator creates them; they show up here.'
        }
      >
        {canCreate && (
          <EmptyState.Actions>
            <Button onClick={onCreate}>Create the first lab</Button>
          </EmptyState.Actions>
        )}
      </EmptyState>
    </Paper>
  );
}

export function LabsNoMatch({ onClear }: { onClear: () => void }) {
  return (
    <Paper withBorder py={48} px="lg">
      <EmptyState
        size="sm"
        icon={<IconFilterOff size={24} stroke={1.7} />}
        title="No labs match"
        description="Try another name, building or room."
      >
        <EmptyState.Actions>
          <Group>
            <Button variant="default" onClick={onClear}>
              Clear search
            </Button>
          </Group>
        </EmptyState.Actions>
      </EmptyState>
    </Paper>
  );
}
