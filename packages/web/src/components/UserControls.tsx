import type { User } from '@labmgr/protocol';
import { ActionIcon, Avatar, Box, Group, Text, Tooltip } from '@mantine/core';
import { IconLogout } from '@tabler/icons-react';
import { useLogout } from '../api/queries.js';
import classes from './AppLayout.module.css';

const ROLE_LABEL: Record<User['role'], string> = {
  admin: 'Administrator',
  operator: 'Operator',
  viewer: 'Viewer',
};

/** Signed-in user (avatar, name, role) and the sign-out button. */
export function UserControls({ user }: { user: User }) {
  const logout = useLogout();
  const name = user.displayName ?? user.username;
  // "admin · Administrator" when a display name hides the username.
  const detail = user.displayName ? `${user.username} · ${ROLE_LABEL[user.role]}` : ROLE_LABEL[user.role];
  return (
    <Group gap="sm" wrap="nowrap">
      <Avatar name={name} color="initials" size={32} radius="xl" aria-hidden="true" />
      <Box className={classes.user} visibleFrom="sm">
        <Text size="sm" fw={600} truncate="end" maw={160}>
          {name}
        </Text>
        <Text size="xs" c="dimmed" truncate="end" maw={160}>
          {detail}
        </Text>
      </Box>
      <Tooltip label="Sign out">
        <ActionIcon aria-label="Sign out" loading={logout.isPending} onClick={() => logout.mutate()}>
          <IconLogout size={18} stroke={1.7} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}
