import type { EnrollmentToken, Lab, UserDetail } from '@labmgr/protocol';
import { Table, Text } from '@mantine/core';
import { IconBan } from '@tabler/icons-react';
import { RelativeTime } from '../../components/RelativeTime.js';
import { AdminTable } from '../admin/shared/AdminTable.js';
import classes from '../admin/shared/AdminTable.module.css';
import { DangerRowAction } from '../admin/shared/RowAction.js';
import { StateLabel } from '../admin/shared/StateLabel.js';
import { UntilTime } from '../admin/shared/UntilTime.js';
import { creatorName, labName, STATE_META, shortId } from './enrollment-model.js';

export interface EnrollmentTokenTableProps {
  tokens: readonly EnrollmentToken[];
  users: ReadonlyMap<string, UserDetail>;
  labs: ReadonlyMap<string, Lab>;
  onRevoke: (token: EnrollmentToken) => void;
}

/** Every enrollment token with its state; active ones can be revoked. */
export function EnrollmentTokenTable({ tokens, users, labs, onRevoke }: EnrollmentTokenTableProps) {
  return (
    <AdminTable
      minWidth={640}
      head={
        <>
          <Table.Th>Token</Table.Th>
          <Table.Th className={classes.wideOnly}>Created</Table.Th>
          <Table.Th>Created by</Table.Th>
          <Table.Th>Expires</Table.Th>
          <Table.Th ta="right">Uses left</Table.Th>
          <Table.Th>Target lab</Table.Th>
          <Table.Th>Status</Table.Th>
        </>
      }
    >
      {tokens.map((token) => {
        const meta = STATE_META[token.state];
        const lab = labName(token.labId, labs);
        return (
          <Table.Tr key={token.id} data-token-id={token.id} data-state={token.state}>
            <Table.Td>
              <Text ff="monospace" size="sm" data-tooltip={token.id}>
                {shortId(token.id)}
              </Text>
            </Table.Td>
            <Table.Td className={classes.wideOnly}>
              <RelativeTime value={token.createdAt} />
            </Table.Td>
            <Table.Td>{creatorName(token.createdBy, users)}</Table.Td>
            <Table.Td>
              {token.state === 'revoked' && token.revokedAt ? (
                <Text size="sm" c="dimmed">
                  Revoked <RelativeTime value={token.revokedAt} />
                </Text>
              ) : (
                <UntilTime value={token.expiresAt} />
              )}
            </Table.Td>
            <Table.Td ta="right">{token.usesLeft.toLocaleString()}</Table.Td>
            <Table.Td>
              {lab ?? (
                <Text span size="sm" c="dimmed">
                  None
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              <StateLabel label={meta.label} color={meta.color} />
            </Table.Td>
            <Table.Td>
              {token.state === 'active' && (
                <DangerRowAction
                  tooltip="Revoke token"
                  label={`Revoke token ${shortId(token.id)}`}
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
