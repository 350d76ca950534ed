import type { CommandSummary } from '@labmgr/protocol';
import { Anchor, Badge, Card, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { Link } from 'wouter';
import { RECENT_COMMANDS, useComputerCommands } from '../../api/computer.js';
import { paths } from '../../app/paths.js';
import { DelegatedTooltip } from '../../components/DelegatedTooltip.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { runStatusColor, runStatusLabel } from './console-model.js';
import { PanelTitle } from './PanelTitle.js';

/** The command's one outcome on this computer (a single-computer list entry has one run). */
function outcome(c: CommandSummary): string {
  const statuses = Object.keys(c.counts);
  if (c.status === 'running') return 'running';
  return statuses.length === 1 ? (statuses[0] ?? 'completed') : 'completed';
}

const KIND_LABEL: Record<CommandSummary['kind'], string> = {
  shell: 'Shell',
  exec: 'Program',
  power: 'Power',
  message: 'Message',
  wake: 'Wake',
  script: 'Script',
};

/** This computer's latest commands, each linking to its page. */
export function RecentCommands({ computerId }: { computerId: string }) {
  const commands = useComputerCommands(computerId);
  return (
    <Card padding="md">
      <PanelTitle
        title="Recent commands"
        aside={
          <Anchor component={Link} href={paths.commands} size="xs">
            All commands
          </Anchor>
        }
      />
      {commands.isPending ? (
        <Stack gap={8} aria-busy="true">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} height={24} />
          ))}
        </Stack>
      ) : commands.isError ? (
        <Text size="sm" c="red">
          Could not load the commands: {commands.error.message}
        </Text>
      ) : commands.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No commands have run on this computer yet.
        </Text>
      ) : (
        <DelegatedTooltip>
          <Table.ScrollContainer minWidth={520}>
            <Table data-testid="recent-commands">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Command</Table.Th>
                  <Table.Th>By</Table.Th>
                  <Table.Th>Result</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {commands.data.items.map((c) => {
                  const result = outcome(c);
                  return (
                    <Table.Tr key={c.id}>
                      <Table.Td c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        <RelativeTime value={c.createdAt} />
                      </Table.Td>
                      <Table.Td>{KIND_LABEL[c.kind]}</Table.Td>
                      <Table.Td maw={320}>
                        <Anchor
                          component={Link}
                          href={paths.command(c.id)}
                          size="sm"
                          ff="monospace"
                          truncate="end"
                          display="block"
                        >
                          {c.command}
                        </Anchor>
                      </Table.Td>
                      <Table.Td c="dimmed">{c.createdBy?.username ?? 'system'}</Table.Td>
                      <Table.Td>
                        <Badge size="sm" variant="light" color={runStatusColor(result)}>
                          {runStatusLabel(result)}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </DelegatedTooltip>
      )}
      {commands.data && commands.data.total > RECENT_COMMANDS && (
        <Group justify="flex-end" mt="xs">
          <Text size="xs" c="dimmed">
            The latest {RECENT_COMMANDS} of {commands.data.total}
          </Text>
        </Group>
      )}
    </Card>
  );
}
