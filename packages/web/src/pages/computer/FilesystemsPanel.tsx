import type { FilesystemInfo, FilesystemMetrics } from '@labmgr/protocol';
import { Card, Table, Text } from '@mantine/core';
import { UsageBar } from '../../components/UsageBar.js';
import { formatBytes, formatBytesPair } from '../../format/bytes.js';
import { formatPercent, usagePercent } from '../../format/percent.js';
import { PanelTitle } from './PanelTitle.js';

/**
 * Each mounted filesystem with its usage. Usage comes with live samples; until
 * one arrives (or for an offline computer) the inventory's sizes are shown.
 */
export function FilesystemsPanel({
  live,
  inventory,
}: {
  live: readonly FilesystemMetrics[] | null;
  inventory: readonly FilesystemInfo[];
}) {
  const rows = live ?? inventory.map((fs) => ({ ...fs, usedBytes: null }));
  return (
    <Card padding="md">
      <PanelTitle title="Filesystems" count={rows.length} />
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          No filesystems reported.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={420}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Mount</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th w="45%">Used</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((fs) => (
                <Table.Tr key={fs.mount}>
                  <Table.Td>
                    <Text size="sm" ff="monospace" truncate maw={260} title={fs.mount}>
                      {fs.mount}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      {fs.fsType}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {fs.usedBytes === null ? (
                      <Text size="sm">{formatBytes(fs.totalBytes)}</Text>
                    ) : (
                      <UsageBar percent={usagePercent(fs.usedBytes, fs.totalBytes)}>
                        {formatBytesPair(fs.usedBytes, fs.totalBytes)} ·{' '}
                        {formatPercent(usagePercent(fs.usedBytes, fs.totalBytes), 0)}
                      </UsageBar>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
