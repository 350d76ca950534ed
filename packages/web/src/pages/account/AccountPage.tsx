import { Anchor, Avatar, Badge, DataList, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'wouter';
import { useMe } from '../../api/queries.js';
import { paths } from '../../app/paths.js';
import { DelegatedTooltip } from '../../components/DelegatedTooltip.js';
import { PageHeader } from '../../components/PageHeader.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { ROLE_META } from '../admin/users/user-model.js';
import { ChangePasswordForm } from './ChangePasswordForm.js';

/** The signed-in user's own details and password. */
export function AccountPage() {
  const user = useMe().data?.user;
  if (!user) return null;
  const role = ROLE_META[user.role];
  const name = user.displayName ?? user.username;

  return (
    <Stack gap="lg">
      <PageHeader title="My account" description="Your sign-in details and password." />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Paper withBorder p="lg">
          <Stack gap="md">
            <Group gap="md" wrap="nowrap">
              <Avatar name={name} color="initials" size={48} radius="xl" aria-hidden="true" />
              <div style={{ minWidth: 0 }}>
                <Title order={3} fz="lg" lineClamp={1}>
                  {name}
                </Title>
                <Badge variant="light" color={role.color}>
                  {role.label}
                </Badge>
              </div>
            </Group>
            <DelegatedTooltip>
              <DataList withDivider labelWidth={140}>
                <DataList.Item>
                  <DataList.ItemLabel>Username</DataList.ItemLabel>
                  <DataList.ItemValue data-testid="account-username">{user.username}</DataList.ItemValue>
                </DataList.Item>
                <DataList.Item>
                  <DataList.ItemLabel>Display name</DataList.ItemLabel>
                  <DataList.ItemValue>
                    {user.displayName ?? (
                      <Text span size="sm" c="dimmed">
                        Not set
                      </Text>
                    )}
                  </DataList.ItemValue>
                </DataList.Item>
                <DataList.Item>
                  <DataList.ItemLabel>Role</DataList.ItemLabel>
                  <DataList.ItemValue>
                    {role.label}: {role.description.toLowerCase()}
                  </DataList.ItemValue>
                </DataList.Item>
                <DataList.Item>
                  <DataList.ItemLabel>Last sign-in</DataList.ItemLabel>
                  <DataList.ItemValue>
                    {user.lastLoginAt ? <RelativeTime value={user.lastLoginAt} /> : 'Never'}
                  </DataList.ItemValue>
                </DataList.Item>
              </DataList>
            </DelegatedTooltip>
            <Text size="sm" c="dimmed">
              Your name and role are set by an administrator. Scripts can act as you with an{' '}
              <Anchor component={Link} href={paths.apiTokens} inherit>
                API token
              </Anchor>
              .
            </Text>
          </Stack>
        </Paper>
        <ChangePasswordForm />
      </SimpleGrid>
    </Stack>
  );
}
