import type { EnrollmentToken } from '@labmgr/protocol';
import { Button, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlugConnected, IconPlus } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useUsers } from '../../api/admin.js';
import {
  useEnrollmentTokens,
  useRefreshTokensOnEnroll,
  useRevokeEnrollmentToken,
} from '../../api/enrollment.js';
import { useLabList } from '../../api/queries.js';
import { EmptyPanel } from '../../components/EmptyPanel.js';
import { NoMatch } from '../../components/NoMatch.js';
import { PageHeader } from '../../components/PageHeader.js';
import { AdminOnly } from '../admin/shared/AdminOnly.js';
import { ConfirmModal } from '../admin/shared/ConfirmModal.js';
import { QueryBody } from '../admin/shared/QueryBody.js';
import { useConfirmedRemoval } from '../admin/shared/use-confirmed-removal.js';
import { CreateTokenModal } from './CreateTokenModal.js';
import { EnrollmentTokenTable } from './EnrollmentTokenTable.js';
import { byId, filterTokens, shortId, type TokenFilter } from './enrollment-model.js';

const TITLE = 'Enrollment';
const DESCRIPTION = 'Tokens that let new lab computers join, and the commands that install the agent.';

/** Enrollment tokens (admins): list, create with install commands, revoke. */
export function EnrollmentPage() {
  return (
    <AdminOnly title={TITLE} description={DESCRIPTION} what="Enrolling computers">
      <EnrollmentAdmin />
    </AdminOnly>
  );
}

function EnrollmentAdmin() {
  const tokens = useEnrollmentTokens();
  const creators = useUsers();
  const labs = useLabList();
  const revoke = useRevokeEnrollmentToken();
  useRefreshTokensOnEnroll();
  const [createOpened, createModal] = useDisclosure(false);
  const [filter, setFilter] = useState<TokenFilter>('all');

  const users = useMemo(() => byId(creators.data?.items), [creators.data]);
  const labMap = useMemo(() => byId(labs.data?.items), [labs.data]);
  const items = tokens.data?.items;
  const rows = useMemo(() => filterTokens(items ?? [], filter), [items, filter]);
  const activeCount = useMemo(() => (items ?? []).filter((t) => t.state === 'active').length, [items]);

  const revoking = useConfirmedRemoval<EnrollmentToken>(revoke, {
    done: (t) => `Token ${shortId(t.id)} revoked: it enrolls no more computers.`,
    failed: () => 'Could not revoke the token',
  });

  const createButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
      Create token
    </Button>
  );

  const body = (
    <QueryBody
      query={tokens}
      loading="Loading enrollment tokens"
      errorTitle="Could not load the enrollment tokens"
    >
      {(data) =>
        data.items.length === 0 ? (
          <EmptyPanel
            icon={IconPlugConnected}
            title="No enrollment tokens yet"
            description="Create a token, then run the command it shows on each lab computer: the computer appears in the fleet as soon as its agent connects."
            action={createButton}
          />
        ) : (
          <Stack gap="sm">
            <Group justify="space-between" gap="sm">
              <SegmentedControl
                aria-label="Show tokens"
                value={filter}
                onChange={(value) => setFilter(value === 'active' ? 'active' : 'all')}
                data={[
                  { value: 'all', label: `All ${data.items.length}` },
                  { value: 'active', label: `Active ${activeCount}` },
                ]}
              />
              {data.total > data.items.length && (
                <Text size="sm" c="dimmed">
                  Newest {data.items.length} of {data.total}
                </Text>
              )}
            </Group>
            {rows.length > 0 ? (
              <EnrollmentTokenTable tokens={rows} users={users} labs={labMap} onRevoke={revoking.ask} />
            ) : (
              <NoMatch
                title="No active tokens"
                description="Every token has expired, been used up or been revoked. Create one to enroll more computers."
                py={40}
              />
            )}
          </Stack>
        )
      }
    </QueryBody>
  );

  return (
    <Stack gap="lg">
      <PageHeader title={TITLE} description={DESCRIPTION} action={createButton} />
      {body}
      <CreateTokenModal opened={createOpened} onClose={createModal.close} />
      <ConfirmModal {...revoking.modal} title="Revoke enrollment token?" confirmLabel="Revoke token">
        Token {revoking.item ? shortId(revoking.item.id) : ''} will not enroll any more computers. Computers
        already enrolled with it stay enrolled.
      </ConfirmModal>
    </Stack>
  );
}
