import type { Script } from '@labmgr/protocol';
import { Accordion, Badge, Code, Group, Modal, Skeleton, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useScriptVersions } from '../../api/scripts.js';
import { RetryState } from '../../components/RetryState.js';
import { formatDateTime } from '../../format/time.js';

/** Every stored version of a script, newest first, each with what it ran. */
export function ScriptVersions({ script, onClose }: { script: Script | null; onClose: () => void }) {
  return (
    <Modal
      opened={script !== null}
      onClose={onClose}
      title={<Text fw={650}>Versions of {script?.name}</Text>}
      size="xl"
    >
      {script && <VersionList script={script} />}
    </Modal>
  );
}

function VersionList({ script }: { script: Script }) {
  const versions = useScriptVersions(script.id);
  if (versions.isPending) {
    return (
      <Stack gap="xs" aria-busy="true" aria-label="Loading versions">
        <Skeleton height={44} />
        <Skeleton height={44} />
      </Stack>
    );
  }
  if (!versions.data) {
    return (
      <RetryState
        icon={<IconAlertTriangle size={24} />}
        title="Could not load the versions"
        message={versions.error?.message ?? ''}
        retrying={versions.isFetching}
        onRetry={() => void versions.refetch()}
      />
    );
  }
  const [newest] = versions.data.items;
  return (
    <Accordion variant="separated" defaultValue={newest ? String(newest.version) : null}>
      {versions.data.items.map((v) => (
        <Accordion.Item key={v.version} value={String(v.version)} data-version={v.version}>
          <Accordion.Control>
            <Group gap="sm">
              <Text fw={600}>Version {v.version}</Text>
              {v.version === script.version && (
                <Badge size="sm" variant="light" radius="sm" tt="none">
                  Current
                </Badge>
              )}
              <Text size="sm" c="dimmed">
                {formatDateTime(v.createdAt)} · {v.shell}
              </Text>
            </Group>
          </Accordion.Control>
          <Accordion.Panel>
            <Stack gap="xs">
              <Code block fz="xs" mah={320} style={{ overflow: 'auto' }}>
                {v.body}
              </Code>
              {v.parameters.length > 0 && (
                <Text size="sm" c="dimmed">
                  Parameters:{' '}
                  {v.parameters
                    .map(
                      (p) =>
                        `${p.name}${p.required ? ' (required)' : ''}${p.default !== null ? ` = “${p.default}”` : ''}`,
                    )
                    .join(', ')}
                </Text>
              )}
            </Stack>
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}
