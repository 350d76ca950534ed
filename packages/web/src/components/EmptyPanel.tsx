import { EmptyState, Paper } from '@mantine/core';
import type { Icon } from '@tabler/icons-react';
import type { ReactNode } from 'react';

export interface EmptyPanelProps {
  icon: Icon;
  title: string;
  description: string;
  /** What to do first ("Create token"); nothing when the role may not. */
  action?: ReactNode;
}

/** A list with nothing in it yet: what would be here, and how to add the first one. */
export function EmptyPanel({ icon: IconComponent, title, description, action }: EmptyPanelProps) {
  return (
    <Paper withBorder py={56} px="lg">
      <EmptyState
        variant="light"
        icon={<IconComponent size={26} stroke={1.7} />}
        title={title}
        description={description}
      >
        {action && <EmptyState.Actions>{action}</EmptyState.Actions>}
      </EmptyState>
    </Paper>
  );
}
