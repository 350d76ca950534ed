import {
  Button,
  Code,
  CopyButton,
  EmptyState,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Tooltip,
} from '@mantine/core';
import {
  IconAlertTriangle,
  IconCheck,
  IconCopy,
  IconDeviceDesktopPlus,
  IconFilterOff,
} from '@tabler/icons-react';
import { RetryState } from '../../components/RetryState.js';

/** Placeholder while the first list loads: the page's shape, without figures. */
export function FleetSkeleton() {
  return (
    <Stack gap="lg" aria-busy="true" aria-label="Loading computers">
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} height={112} radius="md" />
        ))}
      </SimpleGrid>
      <Group gap="sm">
        <Skeleton height={36} width={280} radius="md" />
        <Skeleton height={36} width={260} radius="md" />
      </Group>
      <Paper withBorder p="md">
        <Stack gap={14}>
          <Skeleton height={14} width="100%" radius="sm" />
          {Array.from({ length: 8 }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: static placeholder rows
            <Skeleton key={i} height={26} radius="sm" />
          ))}
        </Stack>
      </Paper>
    </Stack>
  );
}

export interface FleetErrorProps {
  message: string;
  retrying: boolean;
  onRetry: () => void;
}

/** The list could not be loaded at all. */
export function FleetError({ message, retrying, onRetry }: FleetErrorProps) {
  return (
    <Paper withBorder py={56} px="lg" role="alert">
      <RetryState
        icon={<IconAlertTriangle size={26} stroke={1.7} />}
        title="Could not load the computers"
        message={message}
        retrying={retrying}
        onRetry={onRetry}
      />
    </Paper>
  );
}

/** No computer has been enrolled yet: tell the admin how to add one. */
export function FleetEmpty() {
  const command = `labmgr-agent enroll --server ${window.location.origin} --token TOKEN`;
  return (
    <Paper withBorder py={56} px="lg">
      <EmptyState
        variant="light"
        icon={<IconDeviceDesktopPlus size={26} stroke={1.7} />}
        title="No computers enrolled yet"
        description="Install the Lab Manager agent on each lab computer, then enroll it with an enrollment token. It shows up here as soon as it connects."
      >
        <EmptyState.Actions>
          <Group gap="xs" wrap="nowrap" maw="100%">
            <Code fz="sm" px="sm" py={8} style={{ overflowX: 'auto', whiteSpace: 'nowrap' }}>
              {command}
            </Code>
            <CopyButton value={command}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : 'Copy command'}>
                  <Button
                    variant="default"
                    px="xs"
                    onClick={copy}
                    aria-label={copied ? 'Copied' : 'Copy command'}
                  >
                    {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                  </Button>
                </Tooltip>
              )}
            </CopyButton>
          </Group>
        </EmptyState.Actions>
      </EmptyState>
    </Paper>
  );
}

/** Computers exist but none matches the search and filter. */
export function FleetNoMatch({ onClear }: { onClear: () => void }) {
  return (
    <Paper withBorder py={48} px="lg">
      <EmptyState
        size="sm"
        icon={<IconFilterOff size={24} stroke={1.7} />}
        title="No computers match"
        description="Try another name or status."
      >
        <EmptyState.Actions>
          <Button variant="default" onClick={onClear}>
            Clear filters
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    </Paper>
  );
}
