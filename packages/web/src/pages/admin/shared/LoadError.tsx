import { Paper } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { RetryState } from '../../../components/RetryState.js';

export interface LoadErrorProps {
  title: string;
  error: Error | null;
  retrying: boolean;
  onRetry: () => void;
}

/** A list could not be loaded: the server's reason and "Try again". */
export function LoadError({ title, error, retrying, onRetry }: LoadErrorProps) {
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
