import { Badge, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A panel's heading, with how many items it lists and an optional control on the right. */
export function PanelTitle({ title, count, aside }: { title: string; count?: number; aside?: ReactNode }) {
  return (
    <Group justify="space-between" mb="sm" gap="xs">
      <Group gap={8}>
        <Text fw={600} size="sm" component="h3">
          {title}
        </Text>
        {count !== undefined && (
          <Badge size="sm" variant="light" color="gray" circle={count < 10}>
            {count}
          </Badge>
        )}
      </Group>
      {aside}
    </Group>
  );
}
