import { Button, EmptyState, Paper } from '@mantine/core';
import { type Icon, IconFilterOff } from '@tabler/icons-react';

export interface NoMatchProps {
  title: string;
  description: string;
  /** Resets the search and filters; without it the panel offers no button. */
  onClear?: () => void;
  clearLabel?: string;
  icon?: Icon;
  /** Admin lists sit under a toolbar and use a shorter panel. */
  py?: number;
}

/** A list has items, but the search or filter hides them all. */
export function NoMatch({
  title,
  description,
  onClear,
  clearLabel = 'Clear filters',
  icon: IconComponent = IconFilterOff,
  py = 48,
}: NoMatchProps) {
  return (
    <Paper withBorder py={py} px="lg">
      <EmptyState
        size="sm"
        icon={<IconComponent size={24} stroke={1.7} />}
        title={title}
        description={description}
      >
        {onClear && (
          <EmptyState.Actions>
            <Button variant="default" onClick={onClear}>
              {clearLabel}
            </Button>
          </EmptyState.Actions>
        )}
      </EmptyState>
    </Paper>
  );
}
