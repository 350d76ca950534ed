import { Center, Loader, Stack } from '@mantine/core';
import { IconCloudOff } from '@tabler/icons-react';
import { LogoMark } from './LogoMark.js';
import { RetryState } from './RetryState.js';

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
      <RetryState
        icon={<IconCloudOff size={26} stroke={1.7} />}
        title="Lab Manager is not answering"
        message={message}
        retrying={retrying}
        onRetry={onRetry}
      />
    </Center>
  );
}
