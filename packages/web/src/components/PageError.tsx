import { Paper } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { RetryState } from './RetryState.js';

export interface PageErrorProps {
  title: string;
  error: Error | null;
  retrying: boolean;
  onRetry: () => void;
}

/** A page's data could not be loaded: the server's reason and "Try again", in place of the list. */
export function PageError({ title, error, retrying, onRetry }: PageErrorProps) {
  return (
    <Paper withBorder py={56} px="lg" role="alert">
      <RetryState
        icon={<IconAlertTriangle size={26} stroke={1.7} />}
        title={title}
        message={error?.message ?? 'Unknown error.'}
        retrying={retrying}
        onRetry={onRetry}
      />
    </Paper>
  );
}
