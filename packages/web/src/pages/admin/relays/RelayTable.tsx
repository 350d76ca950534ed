import type { RelaySummary } from '@labmgr/protocol';
import { Table, Text } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { RelativeTime } from '../../../components/RelativeTime.js';
import { useNow } from '../../../components/useNow.js';
import { AdminTable } from '../shared/AdminTable.js';
import classes from '../shared/AdminTable.module.css';
import { DangerRowAction } from '../shared/RowAction.js';
import { StateLabel } from '../shared/StateLabel.js';
import { RELAY_STATUS_META, relayStatus, sortRelays } from './relay-model.js';

function Missing() {
  return (
    <Text span size="sm" c="dimmed">
      –
    </Text>
  );
}

/** Every relay with its status, agents and last report. */
export function RelayTable({
  relays,
  onDelete,
}: {
  relays: readonly RelaySummary[];
  onDelete: (relay: RelaySummary) => void;
}) {
  const now = useNow();
  const rows = sortRelays(relays, now);
  return (
    <AdminTable
      minWidth={640}
      head={
        <>
          <Table.Th>Relay</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th ta="right">Agents</Table.Th>
          <Table.Th ta="right">Computers online</Table.Th>
          <Table.Th>Last seen</Table.Th>
          <Table.Th className={classes.wideOnly}>Control URL</Table.Th>
          <Table.Th>Version</Table.Th>
        </>
      }
    >
      {rows.map((relay) => {
        const status = relayStatus(relay, now);
        const meta = RELAY_STATUS_META[status];
        const live = status === 'online';
        return (
          <Table.Tr key={relay.id} data-relay-name={relay.name} data-status={status}>
            <Table.Td>
              <Text size="sm" fw={600}>
                {relay.name}
              </Text>
              {relay.relayId && relay.relayId !== relay.name && (
                <Text size="xs" c="dimmed" data-tooltip="The id the relay announces (--relay-id)">
                  {relay.relayId}
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              <StateLabel label={meta.label} color={meta.color} pulse={live} />
            </Table.Td>
            <Table.Td ta="right" data-testid="relay-agents">
              {/* An offline relay's last report is stale: its agents have moved or gone. */}
              {live ? relay.connectedAgents.toLocaleString() : <Missing />}
            </Table.Td>
            <Table.Td ta="right">{relay.onlineComputers.toLocaleString()}</Table.Td>
            <Table.Td>{relay.lastSeenAt ? <RelativeTime value={relay.lastSeenAt} /> : <Missing />}</Table.Td>
            <Table.Td className={classes.wideOnly}>
              {relay.controlUrl ? (
                <Text size="sm" ff="monospace" truncate="end" maw={220}>
                  {relay.controlUrl}
                </Text>
              ) : (
                <Missing />
              )}
            </Table.Td>
            <Table.Td>{relay.version ?? <Missing />}</Table.Td>
            <Table.Td>
              {status !== 'revoked' && (
                <DangerRowAction
                  tooltip="Delete relay"
                  label={`Delete relay ${relay.name}`}
                  icon={IconTrash}
                  onClick={() => onDelete(relay)}
                />
              )}
            </Table.Td>
          </Table.Tr>
        );
      })}
    </AdminTable>
  );
}
