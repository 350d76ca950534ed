import { Card, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A titled card around one chart, with an optional note or control on the right. */
export function ChartCard({
  title,
  aside,
  children,
}: {
  title: string;
  aside?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Card padding="md">
      <Group justify="space-between" gap="xs" mb={6} wrap="nowrap">
        <Text fw={600} size="sm">
          {title}
        </Text>
        {aside && (
          <Text size="xs" c="dimmed" ta="right" truncate>
            {aside}
          </Text>
        )}
      </Group>
      {children}
    </Card>
  );
}
