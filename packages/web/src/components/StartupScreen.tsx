import { Button, Center, EmptyState, Loader, Stack } from '@mantine/core';
import { IconCloudOff, IconRefresh } from '@tabler/icons-react';
import { LogoMark } from './LogoMark.js';

/** Shown for the moment it takes to ask the server who is signed in. */
export function StartupLoader() {
  return (
    <Center h="100dvh" aria-busy="true" aria-label="Loading Lab Manager">
      <Stack align="center" gap="lg">
        <LogoMark size={44} />
        <Loader size="sm" type="dots" />
      </Stack>
    </Center>
  );
}

/** The server could not be asked who is signed in (down, or the network is). */
export function StartupError({
  message,
  retrying,
  onRetry,
}: {
  message: string;
  retrying: boolean;
  onRetry: () => void;
}) {
  return (
    <Center h="100dvh" p="md" role="alert">
      <EmptyState
        variant="light"
        color="red"
        icon={<IconCloudOff size={26} stroke={1.7} />}
        title="Lab Manager is not answering"
        description={message}
      >
        <EmptyState.Actions>
          <Button leftSection={<IconRefresh size={16} />} loading={retrying} onClick={onRetry}>
            Try again
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    </Center>
  );
}
