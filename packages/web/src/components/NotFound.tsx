import { Center, EmptyState } from '@mantine/core';
import { type Icon, IconMapQuestion } from '@tabler/icons-react';
import type { ReactNode } from 'react';

export interface NotFoundProps {
  title: string;
  description: string;
  /** A link to somewhere that does exist. */
  action: ReactNode;
  icon?: Icon;
  mih?: number;
}

/** An address that names nothing (deleted, or mistyped): say so and offer a way back. */
export function NotFound({
  title,
  description,
  action,
  icon: IconComponent = IconMapQuestion,
  mih = 320,
}: NotFoundProps) {
  return (
    <Center mih={mih}>
      <EmptyState
        variant="light"
        icon={<IconComponent size={26} stroke={1.7} />}
        title={title}
        description={description}
      >
        <EmptyState.Actions>{action}</EmptyState.Actions>
      </EmptyState>
    </Center>
  );
}
