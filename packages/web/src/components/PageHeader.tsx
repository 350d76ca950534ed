import { Group, type GroupProps, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export interface PageHeaderProps {
  title: string;
  description: string;
  /** The page's main action (e.g. "Create token"), on the right. */
  action?: ReactNode;
  /** Where the action sits against the two lines: level with the description by default. */
  align?: GroupProps['align'];
  gap?: GroupProps['gap'];
}

/** A page's title with its one-line description and main action. */
export function PageHeader({ title, description, action, align = 'flex-end', gap = 'sm' }: PageHeaderProps) {
  return (
    <Group justify="space-between" align={align} gap={gap}>
      <div>
        <Title order={2} fz={24}>
          {title}
        </Title>
        <Text c="dimmed" size="sm">
          {description}
        </Text>
      </div>
      {action}
    </Group>
  );
}
