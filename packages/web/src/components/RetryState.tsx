import { Button, EmptyState } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import type { ReactNode } from 'react';

export interface RetryStateProps {
  icon: ReactNode;
  title: string;
  message: string;
  retrying: boolean;
  onRetry: () => void;
}

/** Something could not be loaded: say what, show the server's reason, offer "Try again". */
export function RetryState({ icon, title, message, retrying, onRetry }: RetryStateProps) {
  return (
    <EmptyState variant="light" color="red" icon={icon} title={title} description={message}>
      <EmptyState.Actions>
        <Button leftSection={<IconRefresh size={16} />} loading={retrying} onClick={onRetry}>
          Try again
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}
