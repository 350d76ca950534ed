import type { UserDetail } from '@labmgr/protocol';
import { Button, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconUserPlus } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useDeleteUser, useUsers } from '../../../api/admin.js';
import { useMe } from '../../../api/queries.js';
import { NoMatch } from '../../../components/NoMatch.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { SearchInput } from '../../../components/SearchInput.js';
import { AdminOnly } from '../shared/AdminOnly.js';
import { ConfirmModal } from '../shared/ConfirmModal.js';
import { QueryBody } from '../shared/QueryBody.js';
import { useConfirmedRemoval } from '../shared/use-confirmed-removal.js';
import { CreateUserModal } from './CreateUserModal.js';
import { EditUserModal } from './EditUserModal.js';
import { ResetPasswordModal } from './ResetPasswordModal.js';
import { UserTable } from './UserTable.js';
import { filterUsers, type RoleFilter } from './user-model.js';

const TITLE = 'Users';
const DESCRIPTION = 'Who can sign in to Lab Manager, and what each role may do.';

/** User administration (admins). */
export function UsersPage() {
  return (
    <AdminOnly title={TITLE} description={DESCRIPTION} what="Managing users">
      <UsersAdmin />
    </AdminOnly>
  );
}

const isRoleFilter = (value: string): value is RoleFilter =>
  value === 'all' || value === 'admin' || value === 'operator' || value === 'viewer';

function UsersAdmin() {
  const me = useMe().data?.user;
  const users = useUsers();
  const remove = useDeleteUser();
  const [createOpened, createModal] = useDisclosure(false);
  const [editing, setEditing] = useState<UserDetail | null>(null);
  const [resetting, setResetting] = useState<UserDetail | null>(null);
  const [search, setSearch] = useState('');
  const [roleFilter, setRoleFilter] = useState<RoleFilter>('all');

  const items = users.data?.items;
  const rows = useMemo(() => filterUsers(items ?? [], search, roleFilter), [items, search, roleFilter]);
  const counts = useMemo(() => {
    const all = items ?? [];
    return {
      all: all.length,
      admin: all.filter((u) => u.role === 'admin').length,
      operator: all.filter((u) => u.role === 'operator').length,
      viewer: all.filter((u) => u.role === 'viewer').length,
    };
  }, [items]);

  const deleting = useConfirmedRemoval<UserDetail>(remove, {
    done: (u) => `User ${u.username} deleted.`,
    failed: (u) => `Could not delete ${u.username}`,
  });

  const body = (
    <QueryBody query={users} loading="Loading users" errorTitle="Could not load the users">
      {() => (
        <Stack gap="sm">
          <Group justify="space-between" gap="sm">
            <Group gap="sm">
              <SearchInput
                aria-label="Search users"
                placeholder="Search name or username…"
                value={search}
                onSearch={setSearch}
                w={{ base: '100%', xs: 260 }}
                autoComplete="off"
              />
              <SegmentedControl
                aria-label="Filter by role"
                value={roleFilter}
                onChange={(value) => isRoleFilter(value) && setRoleFilter(value)}
                data={[
                  { value: 'all', label: `All ${counts.all}` },
                  { value: 'admin', label: `Admins ${counts.admin}` },
                  { value: 'operator', label: `Operators ${counts.operator}` },
                  { value: 'viewer', label: `Viewers ${counts.viewer}` },
                ]}
              />
            </Group>
            <Text size="sm" c="dimmed" aria-live="polite">
              {rows.length === counts.all
                ? `${counts.all} ${counts.all === 1 ? 'user' : 'users'}`
                : `${rows.length} of ${counts.all} users`}
            </Text>
          </Group>
          {rows.length > 0 ? (
            <UserTable
              users={rows}
              selfId={me?.id ?? ''}
              onEdit={setEditing}
              onResetPassword={setResetting}
              onDelete={deleting.ask}
            />
          ) : (
            <NoMatch
              title="No users match"
              description="Try another name or role."
              onClear={() => {
                setSearch('');
                setRoleFilter('all');
              }}
              py={40}
            />
          )}
        </Stack>
      )}
    </QueryBody>
  );

  return (
    <Stack gap="lg">
      <PageHeader
        title={TITLE}
        description={DESCRIPTION}
        action={
          <Button leftSection={<IconUserPlus size={16} />} onClick={createModal.open}>
            Create user
          </Button>
        }
      />
      {body}
      <CreateUserModal opened={createOpened} onClose={createModal.close} />
      <EditUserModal user={editing} isSelf={editing?.id === me?.id} onClose={() => setEditing(null)} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
      <ConfirmModal {...deleting.modal} title="Delete user?" confirmLabel="Delete user">
        {deleting.item?.username} can no longer sign in, and their API tokens are deleted. The audit log keeps
        what they did. To keep the account for later, disable it instead.
      </ConfirmModal>
    </Stack>
  );
}
