import type { ApiToken } from '@labmgr/protocol';
import { Button, Stack } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconKey, IconPlus } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useApiTokens, useRevokeApiToken } from '../../../api/admin.js';
import { EmptyPanel } from '../../../components/EmptyPanel.js';
import { PageError } from '../../../components/PageError.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { TableSkeleton } from '../../../components/TableSkeleton.js';
import { ConfirmModal } from '../shared/ConfirmModal.js';
import { useConfirmedRemoval } from '../shared/use-confirmed-removal.js';
import { ApiTokenTable } from './ApiTokenTable.js';
import { CreateApiTokenModal } from './CreateApiTokenModal.js';

/** The signed-in user's API tokens (every role has its own). */
export function ApiTokensPage() {
  const tokens = useApiTokens();
  const revoke = useRevokeApiToken();
  const [createOpened, createModal] = useDisclosure(false);

  const revoking = useConfirmedRemoval<ApiToken>(revoke, {
    done: (t) => `API token “${t.name}” revoked.`,
    failed: () => 'Could not revoke the token',
  });

  const createButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
      Create token
    </Button>
  );

  let body: ReactNode;
  if (tokens.isPending) {
    body = <TableSkeleton rows={4} label="Loading API tokens" />;
  } else if (!tokens.data) {
    body = (
      <PageError
        title="Could not load your API tokens"
        error={tokens.error}
        retrying={tokens.isFetching}
        onRetry={() => void tokens.refetch()}
      />
    );
  } else if (tokens.data.items.length === 0) {
    body = (
      <EmptyPanel
        icon={IconKey}
        title="No API tokens yet"
        description="A token lets a script or another tool call the Lab Manager API as you, without your password."
        action={createButton}
      />
    );
  } else {
    body = <ApiTokenTable tokens={tokens.data.items} onRevoke={revoking.ask} />;
  }

  return (
    <Stack gap="lg">
      <PageHeader
        title="API tokens"
        description="Your personal tokens for scripts and tools that call the API as you."
        action={createButton}
      />
      {body}
      <CreateApiTokenModal opened={createOpened} onClose={createModal.close} />
      <ConfirmModal {...revoking.modal} title="Revoke API token?" confirmLabel="Revoke token">
        Anything still using “{revoking.item?.name}” is refused from now on. This cannot be undone.
      </ConfirmModal>
    </Stack>
  );
}
