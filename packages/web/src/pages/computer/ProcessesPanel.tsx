import type { ProcessInfo } from '@labmgr/protocol';
import { Card, SegmentedControl, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { formatBytes } from '../../format/bytes.js';
import { formatPercent } from '../../format/percent.js';
import { PanelTitle } from './PanelTitle.js';

type Order = 'cpu' | 'memory';

/** The agent's ten busiest processes by CPU, or ten largest by resident memory. */
export function ProcessesPanel({
  byCpu,
  byMemory,
  waiting,
}: {
  byCpu: readonly ProcessInfo[];
  byMemory: readonly ProcessInfo[];
  /** Why there is no list yet (no live sample). */
  waiting: string | null;
}) {
  const [order, setOrder] = useState<Order>('cpu');
  const rows = order === 'cpu' ? byCpu : byMemory;
  return (
    <Card padding="md">
      <PanelTitle
        title="Top processes"
        aside={
          <SegmentedControl
            size="xs"
            aria-label="Order processes by"
            value={order}
            onChange={(v) => setOrder(v as Order)}
            data={[
              { value: 'cpu', label: 'By CPU' },
              { value: 'memory', label: 'By memory' },
            ]}
          />
        }
      />
      {waiting !== null ? (
        <Text size="sm" c="dimmed">
          {waiting}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={420}>
          <Table data-testid={`processes-${order}`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th ta="right">PID</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>User</Table.Th>
                <Table.Th ta="right">CPU</Table.Th>
                <Table.Th ta="right">Memory</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((p) => (
                <Table.Tr key={p.pid}>
                  <Table.Td ta="right" c="dimmed">
                    {p.pid}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={500} truncate maw={200} title={p.name}>
                      {p.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed" truncate maw={120}>
                      {p.user ?? '–'}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right" fw={order === 'cpu' ? 600 : undefined}>
                    {formatPercent(p.cpuPercent)}
                  </Table.Td>
                  <Table.Td ta="right" fw={order === 'memory' ? 600 : undefined}>
                    {formatBytes(p.rssBytes)}
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
