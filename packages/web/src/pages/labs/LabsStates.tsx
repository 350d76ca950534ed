import { Button, Card, SimpleGrid, Skeleton, Stack } from '@mantine/core';
import { IconLayoutGridAdd } from '@tabler/icons-react';
import { EmptyPanel } from '../../components/EmptyPanel.js';

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

/** No lab exists yet. */
export function LabsEmpty({ canCreate, onCreate }: { canCreate: boolean; onCreate: () => void }) {
  return (
    <EmptyPanel
      icon={IconLayoutGridAdd}
      title="No labs yet"
      description={
        canCreate
          ? 'A lab is a room with a seat plan. Create one, then place its computers on their seats to watch the room at a glance.'
          : 'A lab is a room with a seat plan. An administrator creates them; they show up here.'
      }
      action={canCreate && <Button onClick={onCreate}>Create the first lab</Button>}
    />
  );
}
