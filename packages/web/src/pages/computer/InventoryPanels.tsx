import type { Inventory } from '@labmgr/protocol';
import { Badge, Card, Group, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatBytes, MISSING } from '../../format/bytes.js';
import { formatDateTime } from '../../format/time.js';
import { formatCpuSpeed, formatLinkSpeed, ipv4WithPrefixes } from './inventory-format.js';
import { PanelTitle } from './PanelTitle.js';

/** Label/value rows; a missing value shows a dash. */
function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <Table withRowBorders={false} verticalSpacing={4} highlightOnHover={false} layout="fixed">
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w="38%" fw={500} c="dimmed" style={{ verticalAlign: 'top' }}>
              {label}
            </Table.Th>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>
              {value === null || value === '' ? MISSING : value}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** What the computer is, as its agent last reported: OS, hardware, disks, network, sessions. */
export function InventoryPanels({
  inventory,
  updatedAt,
}: {
  inventory: Inventory;
  updatedAt: string | null;
}) {
  const { os, cpu, system } = inventory;
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Card padding="md" data-testid="inventory-os">
          <PanelTitle title="Operating system" />
          <Facts
            rows={[
              ['Name', os.name],
              ['Version', os.version],
              ['Kernel', os.kernel],
              ['Architecture', os.arch],
              ['Hostname', inventory.fqdn ?? inventory.hostname],
              ['Booted', formatDateTime(inventory.bootTime)],
              ['Time zone', inventory.timezone],
              ['Agent', inventory.agentVersion],
            ]}
          />
        </Card>
        <Card padding="md" data-testid="inventory-hardware">
          <PanelTitle title="Hardware" />
          <Facts
            rows={[
              ['Manufacturer', system.manufacturer],
              ['Model', system.model],
              ['Serial number', system.serial],
              ['BIOS', system.biosVersion],
              ['CPU', cpu.model],
              ['Cores / threads', `${cpu.cores} cores · ${cpu.threads} threads`],
              ['Base frequency', cpu.baseMhz === null ? null : formatCpuSpeed(cpu.baseMhz)],
              ['Memory', formatBytes(inventory.memoryTotalBytes)],
            ]}
          />
        </Card>
      </SimpleGrid>

      <Card padding="md" data-testid="inventory-network">
        <PanelTitle title="Network interfaces" count={inventory.network.length} />
        <Table.ScrollContainer minWidth={640}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Interface</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>MAC address</Table.Th>
                <Table.Th>IPv4</Table.Th>
                <Table.Th>IPv6</Table.Th>
                <Table.Th ta="right">Link speed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {inventory.network.map((n) => (
                <Table.Tr key={n.name}>
                  <Table.Td fw={600}>{n.name}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={n.up ? 'green' : 'gray'}>
                      {n.up ? 'Up' : 'Down'}
                    </Badge>
                  </Table.Td>
                  <Table.Td ff="monospace" fz="sm">
                    {n.mac ?? MISSING}
                  </Table.Td>
                  <Table.Td ff="monospace" fz="sm">
                    <AddressList addresses={ipv4WithPrefixes(n)} />
                  </Table.Td>
                  <Table.Td ff="monospace" fz="sm">
                    <AddressList addresses={n.ipv6} />
                  </Table.Td>
                  <Table.Td ta="right">
                    {n.speedMbps === null ? MISSING : formatLinkSpeed(n.speedMbps)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Card padding="md" data-testid="inventory-disks">
          <PanelTitle title="Disks" count={inventory.disks.length} />
          {inventory.disks.length === 0 ? (
            <Text size="sm" c="dimmed">
              No disks reported.
            </Text>
          ) : (
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Device</Table.Th>
                  <Table.Th>Model</Table.Th>
                  <Table.Th ta="right">Size</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {inventory.disks.map((d) => (
                  <Table.Tr key={d.device}>
                    <Table.Td ff="monospace" fz="sm">
                      {d.device}
                    </Table.Td>
                    <Table.Td>{d.model ?? MISSING}</Table.Td>
                    <Table.Td ta="right">{formatBytes(d.sizeBytes)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
        <Card padding="md" data-testid="inventory-users">
          <PanelTitle title="Logged-in users" count={inventory.users.length} />
          {inventory.users.length === 0 ? (
            <Text size="sm" c="dimmed">
              Nobody is logged in.
            </Text>
          ) : (
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Terminal</Table.Th>
                  <Table.Th>Since</Table.Th>
                  <Table.Th>From</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {inventory.users.map((u, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: one user may hold several identical sessions
                  <Table.Tr key={`${u.user}-${u.terminal}-${i}`}>
                    <Table.Td fw={600}>{u.user}</Table.Td>
                    <Table.Td>{u.terminal ?? MISSING}</Table.Td>
                    <Table.Td>{u.since === null ? MISSING : formatDateTime(u.since)}</Table.Td>
                    <Table.Td>{u.host ?? 'local'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
      </SimpleGrid>
      {updatedAt && (
        <Group justify="flex-end">
          <Text size="xs" c="dimmed">
            Inventory reported {formatDateTime(updatedAt)}
          </Text>
        </Group>
      )}
    </Stack>
  );
}

function AddressList({ addresses }: { addresses: readonly string[] }) {
  if (addresses.length === 0)
    return (
      <Text span c="dimmed">
        {MISSING}
      </Text>
    );
  return (
    <Stack gap={0}>
      {addresses.map((a) => (
        <span key={a}>{a}</span>
      ))}
    </Stack>
  );
}
