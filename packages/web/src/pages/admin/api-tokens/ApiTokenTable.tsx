import type { ApiToken } from '@labmgr/protocol';
import { Badge, Table, Text } from '@mantine/core';
import { IconBan } from '@tabler/icons-react';
import { RelativeTime } from '../../../components/RelativeTime.js';
import { useNow } from '../../../components/useNow.js';
import { AdminTable } from '../shared/AdminTable.js';
import { DangerRowAction } from '../shared/RowAction.js';
import { StateLabel } from '../shared/StateLabel.js';
import { UntilTime } from '../shared/UntilTime.js';
import { SCOPE_META, TOKEN_STATE_META, tokenState } from './api-token-model.js';

function Never() {
  return (
    <Text span size="sm" c="dimmed">
      Never
    </Text>
  );
}

/** The signed-in user's API tokens; working ones can be revoked. */
export function ApiTokenTable({
  tokens,
  onRevoke,
}: {
  tokens: readonly ApiToken[];
  onRevoke: (t: ApiToken) => void;
}) {
  const now = useNow();
  return (
    <AdminTable
      minWidth={700}
      head={
        <>
          <Table.Th>Name</Table.Th>
          <Table.Th>Scope</Table.Th>
          <Table.Th>Created</Table.Th>
          <Table.Th>Expires</Table.Th>
          <Table.Th>Last used</Table.Th>
          <Table.Th>Status</Table.Th>
        </>
      }
    >
      {tokens.map((token) => {
        const state = tokenState(token, now);
        const meta = TOKEN_STATE_META[state];
        const scope = SCOPE_META[token.scope];
        return (
          <Table.Tr key={token.id} data-token-name={token.name} data-state={state}>
            <Table.Td>
              <Text size="sm" fw={600} truncate="end" maw={280}>
                {token.name}
              </Text>
            </Table.Td>
            <Table.Td>
              <Badge variant="light" color={scope.color}>
                {scope.label}
              </Badge>
            </Table.Td>
            <Table.Td>
              <RelativeTime value={token.createdAt} />
            </Table.Td>
            <Table.Td>{token.expiresAt ? <UntilTime value={token.expiresAt} /> : <Never />}</Table.Td>
            <Table.Td>{token.lastUsedAt ? <RelativeTime value={token.lastUsedAt} /> : <Never />}</Table.Td>
            <Table.Td>
              <StateLabel label={meta.label} color={meta.color} />
            </Table.Td>
            <Table.Td>
              {state === 'active' && (
                <DangerRowAction
                  tooltip="Revoke token"
                  label={`Revoke ${token.name}`}
                  icon={IconBan}
                  onClick={() => onRevoke(token)}
                />
              )}
            </Table.Td>
          </Table.Tr>
        );
      })}
    </AdminTable>
  );
}
