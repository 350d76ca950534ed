import { Button, Code, CopyButton, Group, SimpleGrid, Skeleton, Stack, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconDeviceDesktopPlus } from '@tabler/icons-react';
import { EmptyPanel } from '../../components/EmptyPanel.js';
import { TableSkeleton } from '../../components/TableSkeleton.js';

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
      <TableSkeleton rows={8} />
    </Stack>
  );
}

/** No computer has been enrolled yet: tell the admin how to add one. */
export function FleetEmpty() {
  const command = `labmgr-agent enroll --server ${window.location.origin} --token TOKEN`;
  return (
    <EmptyPanel
      icon={IconDeviceDesktopPlus}
      title="No computers enrolled yet"
      description="Install the Lab Manager agent on each lab computer, then enroll it with an enrollment token. It shows up here as soon as it connects."
      action={
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
      }
    />
  );
}
