import type { UserDetail } from '@labmgr/protocol';
import { ActionIcon, Badge, Group, Table, Text, Tooltip } from '@mantine/core';
import { IconKey, IconPencil, IconTrash } from '@tabler/icons-react';
import { RelativeTime } from '../../../components/RelativeTime.js';
import { AdminTable } from '../shared/AdminTable.js';
import classes from '../shared/AdminTable.module.css';
import { StateLabel } from '../shared/StateLabel.js';
import { ROLE_META, SELF_REASONS } from './user-model.js';

export interface UserTableProps {
  users: readonly UserDetail[];
  /** The signed-in admin's id: their own row cannot be deleted. */
  selfId: string;
  onEdit: (user: UserDetail) => void;
  onResetPassword: (user: UserDetail) => void;
  onDelete: (user: UserDetail) => void;
}

/** Every user with role, state and last sign-in, and what an admin can do to each. */
export function UserTable({ users, selfId, onEdit, onResetPassword, onDelete }: UserTableProps) {
  return (
    <AdminTable
      minWidth={640}
      actionsWidth={132}
      nowrap={false}
      head={
        <>
          <Table.Th>User</Table.Th>
          <Table.Th>Role</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th className={classes.nowrap}>Last sign-in</Table.Th>
          <Table.Th className={classes.wideOnly}>Created</Table.Th>
        </>
      }
    >
      {users.map((user) => {
        const isSelf = user.id === selfId;
        const role = ROLE_META[user.role];
        return (
          <Table.Tr key={user.id} data-username={user.username}>
            <Table.Td>
              <Group gap={8} wrap="nowrap">
                <div style={{ minWidth: 0 }}>
                  <Text size="sm" fw={600} truncate="end">
                    {user.displayName ?? user.username}
                  </Text>
                  {user.displayName && (
                    <Text size="xs" c="dimmed" truncate="end">
                      {user.username}
                    </Text>
                  )}
                </div>
                {isSelf && (
                  <Badge size="xs" variant="outline" style={{ flexShrink: 0 }}>
                    You
                  </Badge>
                )}
              </Group>
            </Table.Td>
            <Table.Td>
              <Badge variant="light" color={role.color} data-tooltip={role.label}>
                {role.short}
              </Badge>
            </Table.Td>
            <Table.Td>
              <StateLabel
                label={user.disabled ? 'Disabled' : 'Active'}
                color={user.disabled ? 'red' : 'teal'}
              />
            </Table.Td>
            <Table.Td className={classes.nowrap}>
              {user.lastLoginAt ? (
                <RelativeTime value={user.lastLoginAt} />
              ) : (
                <Text span size="sm" c="dimmed">
                  Never
                </Text>
              )}
            </Table.Td>
            <Table.Td className={`${classes.nowrap} ${classes.wideOnly}`}>
              <RelativeTime value={user.createdAt} />
            </Table.Td>
            <Table.Td>
              <Group gap={4} wrap="nowrap" justify="flex-end">
                <Tooltip label="Edit">
                  <ActionIcon
                    size="md"
                    variant="subtle"
                    aria-label={`Edit ${user.username}`}
                    onClick={() => onEdit(user)}
                  >
                    <IconPencil size={16} />
                  </ActionIcon>
                </Tooltip>
                <Tooltip label={isSelf ? SELF_REASONS.resetPassword : 'Reset password'}>
                  <span>
                    <ActionIcon
                      size="md"
                      variant="subtle"
                      aria-label={`Reset password of ${user.username}`}
                      disabled={isSelf}
                      onClick={() => onResetPassword(user)}
                    >
                      <IconKey size={16} />
                    </ActionIcon>
                  </span>
                </Tooltip>
                <Tooltip label={isSelf ? SELF_REASONS.delete : 'Delete'}>
                  {/* A disabled button gets no pointer events: the wrapper keeps its tooltip. */}
                  <span>
                    <ActionIcon
                      size="md"
                      variant="subtle"
                      color="red"
                      aria-label={`Delete ${user.username}`}
                      disabled={isSelf}
                      onClick={() => onDelete(user)}
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  </span>
                </Tooltip>
              </Group>
            </Table.Td>
          </Table.Tr>
        );
      })}
    </AdminTable>
  );
}
